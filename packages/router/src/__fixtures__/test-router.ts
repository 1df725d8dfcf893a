import { ProviderRegistry } from "@org/core";
import type { ModelListEntry } from "../config/model-list.ts";
import type { RouterSettings } from "../config/router-settings.ts";
import type { RouterHooks } from "../hooks/router-hooks.ts";
import { Router } from "../router.ts";
import type { RouterOptions } from "../router.ts";
import { MemoryStateStore } from "../state/memory-state-store.ts";
import type { RouterStateStore } from "../state/state-store.ts";
import type { Behaviour } from "./fakes.ts";
import { fakeCallChat, fakeCallEmbedding, noTransport, seededRandom } from "./fakes.ts";

export interface TestRouterOptions {
  modelList: ModelListEntry[];
  settings?: RouterSettings;
  script?: Record<string, Behaviour[]>;
  hooks?: RouterHooks;
  store?: RouterStateStore;
  clock?: { now(): number };
  extra?: Partial<RouterOptions>;
}

/** A Router on fakes: scripted calls, a memory store, seeded randomness, no network. */
export function testRouter(options: TestRouterOptions) {
  const fake = fakeCallChat(options.script ?? {});
  const embeddings = fakeCallEmbedding();
  const store = options.store ?? new MemoryStateStore();
  const logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    logs.push({ level, message, ...(fields === undefined ? {} : { fields }) });
  const router = new Router({
    modelList: options.modelList,
    settings: options.settings ?? {},
    registry: new ProviderRegistry(),
    transport: noTransport,
    store,
    callChat: fake.callChat,
    callEmbedding: embeddings.callEmbedding,
    random: seededRandom(7),
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...options.extra,
  });
  return { router, fake, embeddings, store, logs };
}
