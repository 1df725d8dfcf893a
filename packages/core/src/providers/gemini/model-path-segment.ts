/**
 * A model name as one segment of a Google URL path (`.../models/{model}:{method}`), percent-
 * encoded. Behind a wildcard deployment (`gemini/*`, `vertex_ai/*`) the name is the client's, and
 * unencoded its "/", "..", "?" or "#" moved the call elsewhere on Google's host with the
 * operator's credentials: another model than the key may use, another API than generateContent,
 * another Vertex project. Real model names (letters, digits, ".", "-", "_", "@" for versions) are
 * unchanged.
 */
export function modelPathSegment(model: string): string {
  return encodeURIComponent(model).replace(/%40/g, "@");
}
