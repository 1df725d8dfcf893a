/** A tool call to script in a completion or a stream. */
export interface OpenAIToolCallSpec {
  id: string;
  name: string;
  /**
   * The JSON arguments. In a completion: a string (sent as is) or an object (serialized). In a
   * stream: a string is one fragment, an array gives the exact fragments.
   */
  arguments: string | readonly string[] | Record<string, unknown>;
}

export function argumentsText(args: OpenAIToolCallSpec["arguments"]): string {
  if (typeof args === "string") return args;
  if (Array.isArray(args)) return args.join("");
  return JSON.stringify(args);
}

export function argumentFragments(args: OpenAIToolCallSpec["arguments"]): string[] {
  if (typeof args === "string") return [args];
  if (Array.isArray(args)) return [...(args as readonly string[])];
  return [JSON.stringify(args)];
}
