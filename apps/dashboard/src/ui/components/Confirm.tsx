import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { describeError } from "../../lib/api-error.ts";

/** "Delete X?" with Cancel and a red confirm; an API refusal is shown in words. */
export function Confirm(props: {
  opened: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  onClose: () => void;
  onConfirm: () => Promise<unknown>;
}) {
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title}>
      <Stack>
        <Text>{props.message}</Text>
        {failure && (
          <Text c="red" role="alert">
            {failure}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            color="red"
            loading={busy}
            onClick={async () => {
              setBusy(true);
              setFailure(undefined);
              try {
                await props.onConfirm();
                props.onClose();
              } catch (error) {
                setFailure(describeError(error));
              } finally {
                setBusy(false);
              }
            }}
          >
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
