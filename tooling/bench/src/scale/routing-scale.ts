import { Router, type ModelListEntry } from "@org/router";
import { chatBody, memoryTransport } from "./memory-transport.ts";
import { measureOps, us, type OpCost } from "./measure.ts";

/** Deployments per model group: a load-balanced group, as production configs have them. */
const PER_GROUP = 5;
/** Wildcard routes in every config beside the named groups (LiteLLM's `provider/*` entries). */
const WILDCARDS = 20;

export interface RoutingRow {
  readonly deployments: number;
  readonly groups: number;
  readonly named: OpCost;
  readonly wildcard: OpCost;
}

function modelList(deployments: number): ModelListEntry[] {
  const list: ModelListEntry[] = [];
  const named = Math.max(1, deployments - WILDCARDS);
  for (let i = 0; i < named; i++) {
    list.push({
      model_name: `group-${Math.floor(i / PER_GROUP)}`,
      litellm_params: {
        model: `openai/model-${i}`,
        api_base: `http://127.0.0.1:9/${i}`,
        api_key: "sk-scale",
      },
    });
  }
  // Wildcards after the named groups, so a wildcard match is not found by luck of order.
  for (let w = 0; w < WILDCARDS && deployments > 1; w++) {
    list.push({
      model_name: `vendor-${w}/*`,
      litellm_params: {
        model: `openai/*`,
        api_base: `http://127.0.0.1:9/w${w}`,
        api_key: "sk-scale",
      },
    });
  }
  return list;
}

/**
 * Routing time per request with 1, 100 and 5,000 deployments in one config: the router's whole
 * chat call (group lookup, strategy, cooldown check, the call on an in-memory upstream, the
 * response), so what grows with the config shows up as a difference between rows. Requests go
 * to the last named group (a linear scan would pay the most there) and to a wildcard route.
 */
export async function routingScale(sizes: readonly number[], ops: number): Promise<RoutingRow[]> {
  const rows: RoutingRow[] = [];
  for (const deployments of sizes) {
    const list = modelList(deployments);
    const router = new Router({
      modelList: list,
      settings: { routing_strategy: "simple-shuffle", num_retries: 0 },
      transport: memoryTransport,
    });
    const lastGroup = list.filter((e) => !e.model_name.includes("*")).at(-1)!.model_name;
    const wildcardModel = deployments > 1 ? `vendor-${WILDCARDS - 1}/gpt-4o-mini` : lastGroup;
    const named = await measureOps(ops, () => router.chatCompletion(chatBody(lastGroup)));
    const wildcard = await measureOps(ops, () => router.chatCompletion(chatBody(wildcardModel)));
    await router.close();
    rows.push({
      deployments: list.length,
      groups: new Set(list.map((e) => e.model_name)).size,
      named,
      wildcard,
    });
  }
  return rows;
}

export function renderRouting(rows: readonly RoutingRow[]): string[] {
  return [
    "| deployments | model groups | named group: CPU µs/request | p50 µs | p99 µs | wildcard route: CPU µs/request | p50 µs | p99 µs |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.deployments.toLocaleString("en-US")} | ${r.groups.toLocaleString("en-US")} | ${us(r.named.cpuUsPerOp)} | ${us(r.named.wall?.p50)} | ${us(r.named.wall?.p99)} | ${us(r.wildcard.cpuUsPerOp)} | ${us(r.wildcard.wall?.p50)} | ${us(r.wildcard.wall?.p99)} |`,
    ),
  ];
}
