import {
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { api, setUnauthorizedHandler } from "./api.ts";
import { Loading } from "./components/States.tsx";
import { Keys } from "./pages/Keys.tsx";
import { Login } from "./pages/Login.tsx";
import { Logs } from "./pages/Logs.tsx";
import { Models } from "./pages/Models.tsx";
import { Organizations } from "./pages/Organizations.tsx";
import { Overview } from "./pages/Overview.tsx";
import { Teams } from "./pages/Teams.tsx";
import { Usage } from "./pages/Usage.tsx";
import { Users } from "./pages/Users.tsx";
import { BASE, navigate, onLinkClick, usePath } from "./router.tsx";
import { isAdmin, SessionContext, type Session } from "./session.tsx";

interface Page {
  path: string;
  label: string;
  render: () => ReactNode;
  adminOnly?: boolean;
}

const PAGES: Page[] = [
  { path: "/", label: "Overview", render: () => <Overview /> },
  { path: "/keys", label: "Keys", render: () => <Keys /> },
  { path: "/teams", label: "Teams", render: () => <Teams /> },
  { path: "/users", label: "Users", render: () => <Users />, adminOnly: true },
  {
    path: "/organizations",
    label: "Organizations",
    render: () => <Organizations />,
    adminOnly: true,
  },
  { path: "/models", label: "Models", render: () => <Models /> },
  { path: "/logs", label: "Logs", render: () => <Logs /> },
  { path: "/usage", label: "Usage", render: () => <Usage /> },
];

export function App() {
  const client = useQueryClient();
  // The session lives in an HttpOnly cookie the page cannot read: ask the gateway who we are.
  const session = useQuery({
    queryKey: ["session"],
    queryFn: () => api<Session>("/v2/session"),
    retry: false,
    staleTime: 60_000,
    refetchInterval: 60_000,
  });

  useEffect(() => {
    setUnauthorizedHandler(() => void client.invalidateQueries({ queryKey: ["session"] }));
  }, [client]);

  if (session.isPending) return <Loading what="your session" />;
  if (!session.data || session.error) {
    return (
      <Login
        onSignedIn={(s) => {
          // Another identity's cached lists must not show for a moment; the session query stays
          // (its observer is this component).
          client.removeQueries({ predicate: (q) => q.queryKey[0] !== "session" });
          client.setQueryData(["session"], s);
        }}
      />
    );
  }
  const logout = async () => {
    await api("/v2/logout", { method: "POST" }).catch(() => undefined);
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== "session" });
    client.setQueryData(["session"], null);
    navigate("/", true);
  };
  return (
    <SessionContext.Provider value={{ session: session.data, logout: () => void logout() }}>
      <Shell session={session.data} onLogout={() => void logout()} />
    </SessionContext.Provider>
  );
}

function Shell({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const [opened, { toggle, close }] = useDisclosure();
  const path = usePath();
  const pages = PAGES.filter((p) => !p.adminOnly || isAdmin(session));
  const page = pages.find((p) => p.path === path) ?? (path === "/login" ? pages[0] : undefined);
  const who =
    session.key_alias ?? session.user_id ?? (session.user_role === "proxy_admin" ? "admin" : "key");

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={4} style={{ whiteSpace: "nowrap" }}>
              LLM gateway
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs" truncate maw={200}>
              {who}
            </Text>
            <Badge variant="light" data-testid="role" visibleFrom="sm">
              {session.user_role}
            </Badge>
            <Button size="xs" variant="default" onClick={onLogout} style={{ flexShrink: 0 }}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Pages">
        <ScrollArea>
          <Stack gap={2}>
            {pages.map((p) => (
              <NavLink
                key={p.path}
                href={`${BASE}${p.path === "/" ? "/" : p.path}`}
                label={p.label}
                active={p === page}
                onClick={(e) => {
                  onLinkClick(e, p.path);
                  close();
                }}
              />
            ))}
          </Stack>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        {page ? (
          <div key={page.path}>{page.render()}</div>
        ) : (
          <Stack>
            <Title order={2}>Not found</Title>
            <Text>There is no page at {path}.</Text>
          </Stack>
        )}
      </AppShell.Main>
    </AppShell>
  );
}
