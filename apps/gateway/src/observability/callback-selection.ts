import type { RequestEvent } from "@org/observability";

/** LiteLLM's callback lists, as `litellm_settings` holds them. */
export interface CallbackSettings {
  readonly callbacks?: readonly string[] | undefined;
  readonly success_callback?: readonly string[] | undefined;
  readonly failure_callback?: readonly string[] | undefined;
}

/** Which outcomes a callback is told of: `callbacks` both, the other two lists their own. */
export interface CallbackSelection {
  readonly success: boolean;
  readonly failure: boolean;
}

/**
 * Where `name` appears in LiteLLM's three lists, as LiteLLM reads them: `callbacks` means
 * successes and failures, `success_callback` only successes, `failure_callback` only failures.
 * Undefined when the callback is not configured at all.
 */
export function callbackSelection(
  settings: CallbackSettings | undefined,
  name: string,
): CallbackSelection | undefined {
  const both = settings?.callbacks?.includes(name) === true;
  const success = both || settings?.success_callback?.includes(name) === true;
  const failure = both || settings?.failure_callback?.includes(name) === true;
  return success || failure ? { success, failure } : undefined;
}

/** Every callback named in any of the three lists, once each. */
export function configuredCallbacks(settings: CallbackSettings | undefined): string[] {
  return [
    ...new Set([
      ...(settings?.callbacks ?? []),
      ...(settings?.success_callback ?? []),
      ...(settings?.failure_callback ?? []),
    ]),
  ];
}

export function selects(selection: CallbackSelection, event: RequestEvent): boolean {
  return event.status === "success" ? selection.success : selection.failure;
}
