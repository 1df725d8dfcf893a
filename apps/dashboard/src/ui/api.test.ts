import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../lib/api-error.ts";
import { api, query, setUnauthorizedHandler } from "./api.ts";

// The one fetch wrapper every page uses: the CSRF header and same-origin cookie on every call,
// never a key of its own, and errors in words.

function answer(status: number, body: unknown) {
  const fetchMock = vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(typeof body === "string" ? body : JSON.stringify(body), { status }),
  );
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(() => undefined);
});

describe("api", () => {
  it("sends the session cookie same-origin with x-dashboard-request, and no Authorization", async () => {
    const fetchMock = answer(200, { keys: [] });
    await expect(api("/key/list")).resolves.toEqual({ keys: [] });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe("/key/list");
    expect(init?.method).toBe("GET");
    expect(init?.credentials).toBe("same-origin");
    const headers = init?.headers as Record<string, string>;
    expect(headers["x-dashboard-request"]).toBe("1");
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain("authorization");
  });

  it("posts JSON bodies", async () => {
    const fetchMock = answer(200, { ok: true });
    await api("/key/block", { body: { key: "abc" } });
    const init = fetchMock.mock.calls[0]![1]!;
    expect(init.method).toBe("POST");
    expect(init.body).toBe('{"key":"abc"}');
    expect((init.headers as Record<string, string>)["content-type"]).toBe("application/json");
  });

  it("throws the API's error in words, and a 401 on a data route sends the user back to sign in", async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    answer(400, { error: { message: "max_budget: expected number", param: "max_budget" } });
    await expect(api("/key/generate", { body: {} })).rejects.toMatchObject({
      message: "max_budget: expected number",
      param: "max_budget",
      status: 400,
    });
    expect(onUnauthorized).not.toHaveBeenCalled();
    answer(401, "<html>proxy</html>");
    const error = await api("/team/list").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe("Your session has ended: sign in again.");
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    // The login's own 401 (a wrong password) is the form's business, not a session ending.
    answer(401, { error: { message: "Invalid credentials" } });
    await expect(api("/v2/login", { body: {} })).rejects.toThrow("Invalid credentials");
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it("builds query strings without empty values", () => {
    expect(
      query({ page: 1, team_id: "", key_alias: "a b&c", user_id: undefined, flag: false }),
    ).toBe("?page=1&key_alias=a+b%26c&flag=false");
    expect(query({ x: null })).toBe("");
  });
});
