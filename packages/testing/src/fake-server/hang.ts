import type { FakeHang } from "./fake-response.ts";

/** Never answers (timeout tests). Released when the client gives up or the fake closes. */
export function hang(): FakeHang {
  return { kind: "hang" };
}
