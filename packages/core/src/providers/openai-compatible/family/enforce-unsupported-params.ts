import { InvalidRequestError } from "../../../errors/gateway-error.ts";
import type { RequestContext } from "../../../provider/adapter.ts";

/**
 * The `drop_params` rule of `applyUnsupportedParams`, for params that only some models of a
 * provider reject (xAI's reasoning models and `stop`): dropped with `drop_params`, otherwise a
 * 400 naming them before anything is sent. A null value counts as absent, as there.
 */
export function enforceUnsupportedParams(
  body: Record<string, unknown>,
  params: readonly string[],
  ctx: RequestContext,
  provider: string,
): Record<string, unknown> {
  const present = params.filter((param) => body[param] !== undefined && body[param] !== null);
  if (present.length === 0) return body;
  if (ctx.deployment.dropParams) {
    const copy = { ...body };
    for (const param of present) delete copy[param];
    return copy;
  }
  throw new InvalidRequestError(
    `${provider} does not support parameters: ${present.map((p) => `'${p}'`).join(", ")} ` +
      `(model ${ctx.deployment.model}). Remove them, or set drop_params: true to drop them.`,
    { param: present[0] as string, code: "unsupported_parameter", provider },
  );
}
