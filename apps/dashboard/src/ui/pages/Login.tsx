import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useState, type FormEvent } from "react";
import { describeError } from "../../lib/api-error.ts";
import { api } from "../api.ts";
import type { Session } from "../session.tsx";

/**
 * Sign in with a username and password: the admin's (the master key or UI_PASSWORD, LiteLLM's UI
 * login), or an internal user's email (or user id) and the password an admin gave them, for their
 * own keys and teams; or with a virtual key for that key's restricted view. The gateway answers with an HttpOnly session cookie;
 * the key typed here is sent once and kept nowhere (the field is cleared on success).
 */
export function Login({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [mode, setMode] = useState<"admin" | "key">("admin");
  const [username, setUsername] = useState("admin");
  const [password, setPassword] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const secret = mode === "admin" ? password : apiKey;
    if (!secret.trim()) {
      setFieldError(mode === "admin" ? "Enter your password" : "Enter your key");
      return;
    }
    if (mode === "key" && !secret.trim().startsWith("sk-")) {
      setFieldError("A virtual key starts with sk-");
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      const body =
        mode === "admin" ? { username: username.trim(), password } : { api_key: apiKey.trim() };
      const session = await api<Session>("/v2/login", { body });
      setPassword("");
      setApiKey("");
      onSignedIn(session);
    } catch (e) {
      setError(
        e instanceof Error && "status" in e && (e as { status: number }).status === 401
          ? "Those credentials were not accepted."
          : describeError(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={submit} noValidate aria-label="Sign in">
          <Stack>
            <Title order={2}>Sign in</Title>
            <Text size="sm" c="dimmed">
              LLM gateway dashboard
            </Text>
            <SegmentedControl
              value={mode}
              onChange={(v) => {
                setMode(v as "admin" | "key");
                setFieldError(undefined);
              }}
              data={[
                { value: "admin", label: "Password" },
                { value: "key", label: "Virtual key" },
              ]}
            />
            {mode === "admin" ? (
              <>
                <TextInput
                  label="Username or email"
                  description="admin, or your email or user id"
                  name="username"
                  value={username}
                  onChange={(e) => setUsername(e.currentTarget.value)}
                  autoComplete="username"
                />
                <PasswordInput
                  label="Password"
                  description="Admin: the master key (or UI_PASSWORD). Users: the password you were given"
                  name="password"
                  value={password}
                  error={fieldError}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  autoComplete="current-password"
                  data-autofocus
                />
              </>
            ) : (
              <PasswordInput
                label="API key"
                description="A virtual key: see its own keys, team and spend"
                name="api_key"
                value={apiKey}
                error={fieldError}
                onChange={(e) => setApiKey(e.currentTarget.value)}
                autoComplete="off"
              />
            )}
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
