/** `https://api.openai.com/v1` + `/chat/completions`, tolerating a trailing slash on the base. */
export function joinApiUrl(apiBase: string, path: string): string {
  return apiBase.replace(/\/+$/, "") + path;
}
