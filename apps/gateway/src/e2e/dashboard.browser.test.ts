import OpenAI from "openai";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiError, type FakeServer } from "@org/testing";
import {
  ensureDashboardBuilt,
  isUnauthorizedLoad,
  launchChromium,
  watchedPage,
} from "../testing/dashboard-browser.ts";
import { manage } from "../testing/manage.ts";
import { pricedModel, pricedRequest, startPricedUpstream } from "../testing/priced-upstream.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The admin dashboard (issue 21) in headless Chromium against the real gateway over HTTP: sign
// in, create a team and a key in the UI, spend with the key through the OpenAI SDK, see the spend
// and the log entry, block the key, add a model, and sign in as a team member who must not see
// another team's keys. One browser and one gateway for the file; screenshots per step go to
// apps/gateway/.test-output/dashboard/.

const UPSTREAM_SECRET = "sk-upstream-secret-never-shown-4711";

describe("the dashboard in a real browser", { timeout: 120_000 }, () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let browser: Browser;
  let teamId: string;
  let createdKey: string;

  beforeAll(async () => {
    ensureDashboardBuilt();
    upstream = await startPricedUpstream();
    [gateway, browser] = await Promise.all([
      startTestGateway({
        config: {
          model_list: [
            pricedModel(upstream),
            // A group whose one deployment the test makes fail once: the request falls back.
            {
              model_name: "flaky",
              litellm_params: {
                model: "openai/gpt-4o-mini",
                api_key: "sk-upstream",
                api_base: `${upstream.url}/v1`,
              },
            },
          ],
          router_settings: { num_retries: 0, fallbacks: [{ flaky: ["priced"] }] },
        },
        env: { LITELLM_SALT_KEY: "dashboard-test-salt-key" },
      }),
      launchChromium(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await upstream?.close();
  });

  const admin = <T>(path: string, body?: unknown) =>
    manage<T>(gateway, gateway.masterKey, path, body);
  // Form inputs carry data-field="<API field name>".
  const field = (scope: Locator, name: string) => scope.locator(`[data-field="${name}"]`);
  const nav = (page: Page, name: string) => page.getByRole("link", { name, exact: true }).click();
  const sdk = (key: string) => new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
  // The session check before signing in, and the wrong password on purpose, answer 401.
  const expected = (text: string, url: string) =>
    isUnauthorizedLoad(text) && /\/v2\/(session|login)$/.test(url);

  it("an admin signs in, creates a team and a key, sees its spend and logs, blocks it and adds a model", async () => {
    const { page, errors, shot } = await watchedPage(browser, "admin", { expected });
    await page.goto(`${gateway.url}/ui/`);
    await expect.poll(() => page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    await shot("login");

    // A wrong password is refused in words, and the page stays on the form.
    await page.locator("input[name=password]").fill("sk-wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Those credentials were not accepted.").waitFor();

    await page.locator("input[name=password]").fill(gateway.masterKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    // The master key is nowhere the page's scripts can read it.
    const stored = await page.evaluate(
      () =>
        JSON.stringify({ ...localStorage }) +
        JSON.stringify({ ...sessionStorage }) +
        document.cookie,
    );
    expect(stored).not.toContain(gateway.masterKey);
    expect(
      (await page.context().cookies()).find((c) => c.name === "litellm_session")?.httpOnly,
    ).toBe(true);
    await shot("overview-empty");

    // Create a team in the UI.
    await nav(page, "Teams");
    await page.getByRole("button", { name: "Create team" }).click();
    let dialog = page.getByRole("dialog");
    await field(dialog, "team_alias").fill("search-team");
    await dialog.getByRole("button", { name: "Create team" }).click();
    await page.getByRole("cell", { name: "search-team", exact: true }).waitFor();
    await shot("team-created");
    const teams = await admin<{ team_id: string; team_alias: string }[]>("/team/list");
    teamId = teams.find((t) => t.team_alias === "search-team")!.team_id;

    // Create a key in the UI: a bad budget is caught before anything is sent.
    await nav(page, "Keys");
    await page.getByRole("button", { name: "Create key" }).click();
    dialog = page.getByRole("dialog");
    await field(dialog, "key_alias").fill("search-key");
    await field(dialog, "team_id").fill(teamId);
    await field(dialog, "max_budget").fill("-5");
    await field(dialog, "metadata").fill("{not json");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await dialog.getByText("Cannot be negative").waitFor();
    await dialog.getByText("Not valid JSON", { exact: false }).waitFor();
    expect((await admin<{ keys: string[] }>("/key/list")).keys).toHaveLength(0);
    await shot("key-form-errors");
    await field(dialog, "max_budget").fill("5");
    await field(dialog, "metadata").fill('{"env": "test"}');
    await dialog.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByTestId("new-key");
    await shown.waitFor();
    createdKey = (await shown.innerText()).trim();
    expect(createdKey).toMatch(/^sk-/);
    await page.getByRole("button", { name: "Copy key" }).waitFor();
    await shot("key-shown-once");
    await page.getByRole("button", { name: "I have copied it" }).click();
    const keyRow = page.locator('tr[data-key-alias="search-key"]');
    await keyRow.waitFor();
    // Shown once: the list has only the key's masked name.
    expect(await page.content()).not.toContain(createdKey);

    // Requests with the key through the OpenAI SDK.
    for (const text of ["hello dashboard", "second request"]) {
      const answer = await sdk(createdKey).chat.completions.create(pricedRequest(text));
      expect(answer.choices[0]?.message.content).toBeTruthy();
    }

    // Its spend appears on the Keys page (the page polls; a reload is the same read).
    await expect
      .poll(
        async () => {
          await page.reload();
          await keyRow.waitFor();
          return keyRow.getByTestId("key-spend").innerText();
        },
        { timeout: 20_000, interval: 500 },
      )
      .not.toMatch(/^\$0\.00 /);
    await shot("key-spend");

    // And both requests in the logs, filtered by the key's alias, with a detail view.
    await nav(page, "Logs");
    await page.getByLabel("Key alias").fill("search-key");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect
      .poll(async () => page.locator("[data-testid=logs-table] tbody tr").count(), {
        timeout: 20_000,
      })
      .toBe(2);
    await page.getByRole("button", { name: "Details" }).first().click();
    const detail = page.getByTestId("log-detail");
    await detail.waitFor();
    expect(await detail.innerText()).toContain("priced");
    await shot("log-detail");
    await page.keyboard.press("Escape");

    // A request whose first deployment fails (a 500) and that falls back: the detail says so.
    upstream.enqueue(openaiError(500, { message: "first deployment down" }));
    const { response: fellBack } = await sdk(createdKey)
      .chat.completions.create({ ...pricedRequest("fall back"), model: "flaky" })
      .withResponse();
    expect(fellBack.headers.get("x-litellm-attempted-fallbacks")).toBe("1");
    const fellBackId = fellBack.headers.get("x-litellm-call-id")!;
    await gateway.gateway.budgets.flushSpendNow();
    await page.getByLabel("Request id").fill(fellBackId);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page
      .locator(`tr[data-request-id="${fellBackId}"]`)
      .getByRole("button", { name: "Details" })
      .click();
    const routed = page.getByTestId("log-detail").filter({ hasText: fellBackId });
    await routed.getByText("flaky → priced").waitFor();
    const routedText = await routed.innerText();
    expect(routedText).toMatch(/Retries\s+0/);
    expect(routedText).toContain("Fallbacks");
    expect(routedText).toContain("InternalServerError (500) · flaky");
    await shot("log-detail-fallback");
    await page.keyboard.press("Escape");

    // Block the key from its row's menu: the next request is refused.
    await nav(page, "Keys");
    await keyRow.getByRole("button", { name: "Actions for search-key" }).click();
    await page.getByRole("menuitem", { name: "Block" }).click();
    await keyRow.getByText("blocked").waitFor();
    await shot("key-blocked");
    const refused = await sdk(createdKey)
      .chat.completions.create(pricedRequest("after the block"))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect([401, 403]).toContain((refused as InstanceType<typeof OpenAI.APIError>).status);

    // Edit, regenerate and delete another key from its row's menu.
    const spare = await admin<{ key: string }>("/key/generate", { key_alias: "spare-key" });
    await page.reload();
    let spareRow = page.locator('tr[data-key-alias="spare-key"]');
    await spareRow.getByRole("button", { name: "Actions for spare-key" }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    dialog = page.getByRole("dialog");
    await field(dialog, "key_alias").fill("spare-key-2");
    await field(dialog, "rpm_limit").fill("60");
    await dialog.getByRole("button", { name: "Save" }).click();
    spareRow = page.locator('tr[data-key-alias="spare-key-2"]');
    await spareRow.getByText("RPM 60", { exact: false }).waitFor();
    await spareRow.getByRole("button", { name: "Actions for spare-key-2" }).click();
    await page.getByRole("menuitem", { name: "Regenerate" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Regenerate" }).click();
    const regenerated = (await page.getByTestId("new-key").innerText()).trim();
    expect(regenerated).toMatch(/^sk-/);
    expect(regenerated).not.toBe(spare.key);
    await page.getByRole("button", { name: "I have copied it" }).click();
    const oldRefused = await sdk(spare.key)
      .models.list()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(oldRefused).toBeInstanceOf(OpenAI.APIError);
    await spareRow.getByRole("button", { name: "Actions for spare-key-2" }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete key" }).click();
    await spareRow.waitFor({ state: "detached" });
    await shot("key-edited-regenerated-deleted");

    // Add a model with a credential: it is served in /v1/models and its key never comes back.
    await nav(page, "Models");
    await page.getByRole("button", { name: "Add model" }).click();
    dialog = page.getByRole("dialog");
    await field(dialog, "model_name").fill("added-model");
    await field(dialog, "model").fill("openai/gpt-4o-mini");
    await field(dialog, "api_base").fill(`${upstream.url}/v1`);
    await field(dialog, "api_key").fill(UPSTREAM_SECRET);
    await dialog.getByRole("button", { name: "Add model" }).click();
    await page.locator('tr[data-model="added-model"]').waitFor();
    await page.reload();
    await page.locator('tr[data-model="added-model"]').waitFor();
    expect(await page.content()).not.toContain(UPSTREAM_SECRET);
    const models = await admin<{ data: { id: string }[] }>("/v1/models");
    expect(models.data.map((m) => m.id)).toContain("added-model");
    await shot("model-added");

    // Usage and Overview show the spend.
    await nav(page, "Usage");
    await page.getByTestId("usage-table").waitFor();
    await shot("usage");
    await nav(page, "Overview");
    await page.getByTestId("top-models").waitFor();
    expect(await page.locator('[data-stat="Spend this month"]').innerText()).not.toMatch(
      /\$0\.00$/,
    );
    await shot("overview");

    // Narrow window: the navigation folds behind a menu button and the page still works.
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByRole("button", { name: "Menu" }).click();
    await nav(page, "Keys");
    await keyRow.waitFor();
    await shot("narrow-keys");

    // Sign out: the session is gone for this browser.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("a team member signs in with a virtual key and does not see another team's keys", async () => {
    const other = await admin<{ team_id: string }>("/team/new", { team_alias: "other-team" });
    await admin("/key/generate", { team_id: other.team_id, key_alias: "other-team-key" });
    // A team member: an internal user in the search team, holding a key of that team.
    await admin("/user/new", {
      user_id: "member-ana",
      user_role: "internal_user",
      auto_create_key: false,
    });
    await admin("/team/member_add", {
      team_id: teamId,
      member: { user_id: "member-ana", role: "user" },
    });
    const member = await admin<{ key: string }>("/key/generate", {
      team_id: teamId,
      user_id: "member-ana",
      key_alias: "search-member-key",
    });

    const { page, errors, shot } = await watchedPage(browser, "member", { expected });
    await page.goto(`${gateway.url}/ui/keys`);
    await page.getByText("Virtual key", { exact: true }).click();
    await page.locator("input[name=api_key]").fill("not-a-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("A virtual key starts with sk-").waitFor();
    await page.locator("input[name=api_key]").fill(member.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Keys" }).waitFor();
    await page.locator('tr[data-key-alias="search-member-key"]').waitFor();
    const table = await page.getByTestId("keys-table").innerText();
    expect(table).not.toContain("other-team-key");
    // Admin pages are not offered to a restricted session.
    expect(await page.getByRole("link", { name: "Users", exact: true }).count()).toBe(0);
    await shot("member-keys");

    // The cookie alone (no x-dashboard-request header, as a cross-site form would send it) is not
    // accepted; with the header, the API itself also hides the other team's keys.
    const probe = await page.evaluate(async () => {
      const bare = await fetch("/key/list?return_full_object=true", { credentials: "same-origin" });
      const dashboard = await fetch("/key/list?return_full_object=true&size=100", {
        credentials: "same-origin",
        headers: { "x-dashboard-request": "1" },
      });
      return { bare: bare.status, status: dashboard.status, body: await dashboard.text() };
    });
    expect(probe.bare).toBe(401);
    expect(probe.status).toBe(200);
    expect(probe.body).not.toContain("other-team-key");
    expect(errors.filter((e) => !e.includes("/key/list"))).toEqual([]);
    await page.context().close();
  });

  it("the admin gives a user a password and a team in the UI; the user signs in with it and sees only their own", async () => {
    const PASSWORD = "pw user's sign-in 1";
    const { page, errors, shot } = await watchedPage(browser, "user-password", { expected });
    await page.goto(`${gateway.url}/ui/users`);
    await page.locator("input[name=password]").fill(gateway.masterKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Users" }).waitFor();

    // Create the user with a password: a short one is refused in the form, before sending.
    await page.getByRole("button", { name: "Create user" }).click();
    let dialog = page.getByRole("dialog");
    await field(dialog, "user_id").fill("pw-user");
    await field(dialog, "user_email").fill("pw.user@example.com");
    await field(dialog, "password").fill("short");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await dialog.getByText("At least 8 characters").waitFor();
    await field(dialog, "password").fill(PASSWORD);
    await dialog.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("cell", { name: "pw-user", exact: true }).waitFor();
    expect(await page.content()).not.toContain(PASSWORD);
    await shot("user-created");

    // Team members: add by email, remove, add again by user id.
    await nav(page, "Teams");
    await page.getByRole("button", { name: "Actions for search-team" }).click();
    await page.getByRole("menuitem", { name: "Members" }).click();
    dialog = page.getByRole("dialog");
    const memberRow = dialog.getByRole("row").filter({ hasText: "pw-user" });
    await dialog.getByLabel("User id or email").fill("pw.user@example.com");
    await dialog.getByRole("button", { name: "Add member" }).click();
    await memberRow.waitFor();
    await memberRow.getByRole("button", { name: "Remove" }).click();
    await memberRow.waitFor({ state: "detached" });
    await dialog.getByLabel("User id or email").fill("pw-user");
    await dialog.getByRole("button", { name: "Add member" }).click();
    await memberRow.waitFor();
    await shot("team-members");
    await page.keyboard.press("Escape");
    await admin("/key/generate", { user_id: "pw-user", team_id: teamId, key_alias: "pw-user-key" });
    await page.getByRole("button", { name: "Sign out" }).click();

    // The user signs in with their email and password: their key and team, nobody else's.
    await page.locator("input[name=username]").fill("pw.user@example.com");
    await page.locator("input[name=password]").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    expect(await page.getByRole("link", { name: "Users", exact: true }).count()).toBe(0);
    await nav(page, "Keys");
    await page.locator('tr[data-key-alias="pw-user-key"]').waitFor();
    // Not another team's key, another member's, nor the team's own key (a member, not its admin).
    for (const other of ["other-team-key", "search-member-key", "search-key"]) {
      expect(await page.locator(`tr[data-key-alias="${other}"]`).count(), other).toBe(0);
    }
    await shot("user-keys");
    await nav(page, "Teams");
    await page.getByRole("cell", { name: "search-team", exact: true }).waitFor();
    expect(await page.getByRole("cell", { name: "other-team", exact: true }).count()).toBe(0);
    await shot("user-teams");
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
