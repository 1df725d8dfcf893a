/** The Anthropic-format routes (`/v1/messages`, `/messages`, and their `/count_tokens`). */
const ANTHROPIC_PATH = /^(\/v1)?\/messages(\/count_tokens)?\/?$/;

/** Whether errors on `path` answer in Anthropic's envelope rather than OpenAI's. */
export const isAnthropicPath = (path: string): boolean => ANTHROPIC_PATH.test(path);
