import { Alert, Button, Group, Modal, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { describeError } from "../../lib/api-error.ts";

export interface MemberRow {
  user_id?: string | null;
  user_email?: string | null;
  role: string;
}

/** Members of a team or organization: list, add (user id or email + role), remove. */
export function Members(props: {
  title: string;
  opened: boolean;
  onClose: () => void;
  members: MemberRow[];
  roles: readonly string[];
  add: (member: { user_id?: string; user_email?: string; role: string }) => Promise<unknown>;
  remove?: (member: MemberRow) => Promise<unknown>;
}) {
  const [who, setWho] = useState("");
  const [role, setRole] = useState(props.roles[props.roles.length - 1] ?? "user");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const id = who.trim();
    if (!id) {
      setError("Enter a user id or email");
      return;
    }
    const member = id.includes("@") ? { user_email: id, role } : { user_id: id, role };
    if (await run(() => props.add(member))) setWho("");
  };

  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} size="lg">
      <Stack>
        {props.members.length === 0 ? (
          <Text c="dimmed">No members yet.</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Role</Table.Th>
                {props.remove && <Table.Th aria-label="Remove" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {props.members.map((m) => (
                <Table.Tr key={`${m.user_id}-${m.user_email}`}>
                  <Table.Td>{m.user_id ?? m.user_email}</Table.Td>
                  <Table.Td>{m.role}</Table.Td>
                  {props.remove && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => void run(() => props.remove!(m))}
                      >
                        Remove
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <form onSubmit={submit} noValidate aria-label="Add member">
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label="User id or email"
              value={who}
              onChange={(e) => setWho(e.currentTarget.value)}
              style={{ flex: 1 }}
              miw={180}
            />
            <Select
              label="Role"
              data={[...props.roles]}
              value={role}
              onChange={(v) => setRole(v ?? role)}
              allowDeselect={false}
              w={160}
            />
            <Button type="submit" loading={busy}>
              Add member
            </Button>
          </Group>
        </form>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
      </Stack>
    </Modal>
  );
}
