import type { z } from "zod";
import { InvalidRequestError } from "../errors/gateway-error.ts";

/** A 400 naming the first invalid field, the way the gateway reports a bad request body. */
export function invalidParamsError(error: z.ZodError): InvalidRequestError {
  const issue = error.issues[0];
  const param = issue?.path.join(".") ?? null;
  return new InvalidRequestError(
    issue === undefined
      ? "Invalid request"
      : `Invalid value for '${param || "<root>"}': ${issue.message}`,
    { param: param || null },
  );
}
