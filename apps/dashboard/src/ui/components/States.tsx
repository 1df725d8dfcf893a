import { Alert, Button, Center, Group, Loader, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { describeError } from "../../lib/api-error.ts";

export function Loading({ what }: { what: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">Loading {what}…</Text>
      </Group>
    </Center>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <Alert color="red" title="Could not load this" role="alert" data-testid="error-state">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{describeError(error)}</Text>
        {retry && (
          <Button size="xs" variant="light" color="red" onClick={retry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Center py="xl" data-testid="empty-state">
      <Text c="dimmed">{children}</Text>
    </Center>
  );
}

/** The loading / error / empty choice every list makes before showing its rows. */
export function QueryState<T>(props: {
  query: { isPending: boolean; error: unknown; data: T | undefined; refetch: () => unknown };
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { query } = props;
  if (query.isPending) return <Loading what={props.what} />;
  if (query.error && query.data === undefined)
    return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  const data = query.data as T;
  return (
    <>
      {query.error ? <ErrorState error={query.error} retry={() => void query.refetch()} /> : null}
      {props.isEmpty?.(data) ? (
        <Empty>{props.empty ?? `No ${props.what} yet.`}</Empty>
      ) : (
        props.children(data)
      )}
    </>
  );
}
