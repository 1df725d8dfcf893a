import { Button, Group, Menu, Stack, Table, Text, Title } from "@mantine/core";
import { useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { formValuesOf, type FieldSpec } from "../../lib/form-fields.ts";
import { Confirm } from "./Confirm.tsx";
import { EntityForm } from "./EntityForm.tsx";
import { QueryState } from "./States.tsx";

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
}

/**
 * A list with create, edit and delete (Teams, Users, Organizations): the columns and fields
 * differ, the states and forms do not. `extraActions` adds per-row menu items (members).
 */
export function CrudPage<Row extends Record<string, unknown>>(props: {
  title: string;
  noun: string;
  queryKey: string;
  list: UseQueryResult<Row[]>;
  rowId: (row: Row) => string;
  rowName: (row: Row) => string;
  columns: Column<Row>[];
  fields: FieldSpec[];
  writable: boolean;
  create?: (body: Record<string, unknown>) => Promise<unknown>;
  update: (row: Row, body: Record<string, unknown>) => Promise<unknown>;
  remove: (row: Row) => Promise<unknown>;
  extraActions?: (row: Row) => ReactNode;
  children?: ReactNode;
}) {
  const client = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Row>();
  const [deleting, setDeleting] = useState<Row>();
  const refresh = () => client.invalidateQueries({ queryKey: [props.queryKey] });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{props.title}</Title>
        {props.writable && props.create && (
          <Button onClick={() => setCreating(true)}>Create {props.noun}</Button>
        )}
      </Group>
      <QueryState
        query={props.list}
        what={props.title.toLowerCase()}
        isEmpty={(d) => d.length === 0}
      >
        {(rows) => (
          <Table.ScrollContainer minWidth={700}>
            <Table striped highlightOnHover data-testid={`${props.queryKey}-table`}>
              <Table.Thead>
                <Table.Tr>
                  {props.columns.map((c) => (
                    <Table.Th key={c.header}>{c.header}</Table.Th>
                  ))}
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={props.rowId(row)}>
                    {props.columns.map((c) => (
                      <Table.Td key={c.header}>{c.cell(row)}</Table.Td>
                    ))}
                    <Table.Td>
                      {props.writable && (
                        <Menu position="bottom-end">
                          <Menu.Target>
                            <Button
                              size="xs"
                              variant="subtle"
                              aria-label={`Actions for ${props.rowName(row)}`}
                            >
                              Actions
                            </Button>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item onClick={() => setEditing(row)}>Edit</Menu.Item>
                            {props.extraActions?.(row)}
                            <Menu.Item color="red" onClick={() => setDeleting(row)}>
                              Delete
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      {props.children}
      {creating && props.create && (
        <EntityForm
          title={`Create ${props.noun}`}
          opened
          mode="create"
          submitLabel={`Create ${props.noun}`}
          fields={props.fields}
          onClose={() => setCreating(false)}
          submit={async (body) => {
            await props.create!(body);
            setCreating(false);
            await refresh();
          }}
        />
      )}
      {editing && (
        <EntityForm
          title={`Edit ${props.noun} ${props.rowName(editing)}`}
          opened
          mode="edit"
          submitLabel="Save"
          fields={props.fields}
          initial={formValuesOf(props.fields, editing)}
          onClose={() => setEditing(undefined)}
          submit={async (body) => {
            if (Object.keys(body).length > 0) await props.update(editing, body);
            setEditing(undefined);
            await refresh();
          }}
        />
      )}
      <Confirm
        opened={deleting !== undefined}
        title={`Delete ${props.noun}`}
        message={`Delete ${props.noun} ${deleting ? props.rowName(deleting) : ""}? This cannot be undone.`}
        confirmLabel={`Delete ${props.noun}`}
        onClose={() => setDeleting(undefined)}
        onConfirm={async () => {
          await props.remove(deleting!);
          await refresh();
        }}
      />
    </Stack>
  );
}

export function dimmed(value: unknown): ReactNode {
  return value === null || value === undefined || value === "" ? (
    <Text c="dimmed">—</Text>
  ) : (
    String(value)
  );
}
