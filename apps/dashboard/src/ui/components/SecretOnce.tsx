import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from "@mantine/core";

/**
 * A new or regenerated key, shown once: the gateway keeps only its hash, so closing this modal
 * is the last time anyone sees it. The value lives only in this component's props.
 */
export function SecretOnce(props: {
  secret: string | undefined;
  title: string;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={props.secret !== undefined}
      onClose={props.onClose}
      title={props.title}
      size="lg"
    >
      <Stack>
        <Alert color="yellow" title="Copy it now">
          This key is shown once. The gateway keeps only a hash of it and cannot show it again.
        </Alert>
        <Code block data-testid="new-key">
          {props.secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={props.secret ?? ""}>
            {({ copied, copy }) => (
              <Button color={copied ? "teal" : "blue"} onClick={copy}>
                {copied ? "Copied" : "Copy key"}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={props.onClose}>
            I have copied it
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          Store it in a secret manager; anyone holding it can spend its budget.
        </Text>
      </Stack>
    </Modal>
  );
}
