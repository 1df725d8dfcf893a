import {
  Alert,
  Button,
  Group,
  Modal,
  PasswordInput,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useState, type FormEvent } from "react";
import { describeError } from "../../lib/api-error.ts";
import {
  changedBody,
  formBody,
  validateForm,
  type FieldSpec,
  type FormValues,
} from "../../lib/form-fields.ts";

/**
 * A create or edit form in a modal, built from field specs: checked before sending (each
 * problem shown under its field), then `submit(body)`; an API refusal is shown in words above the
 * buttons and the form stays open. On edit only changed fields are sent.
 */
export function EntityForm(props: {
  title: string;
  opened: boolean;
  onClose: () => void;
  fields: readonly FieldSpec[];
  initial?: FormValues;
  mode: "create" | "edit";
  submitLabel: string;
  submit: (body: Record<string, unknown>) => Promise<unknown>;
}) {
  const fields = props.fields.filter((f) => props.mode === "create" || !f.createOnly);
  const [values, setValues] = useState<FormValues>(props.initial ?? {});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validateForm(fields, values);
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length > 0) return;
    const body =
      props.mode === "edit"
        ? changedBody(fields, values, props.initial ?? {})
        : formBody(fields, values);
    setSending(true);
    try {
      await props.submit(body);
    } catch (error) {
      setFailure(describeError(error));
      setSending(false);
      return;
    }
    setSending(false);
  };

  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));

  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.title}
      size="xl"
      scrollAreaComponent={ScrollArea.Autosize}
    >
      <form onSubmit={onSubmit} noValidate aria-label={props.title}>
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {fields.map((field) => (
              <FieldInput
                key={field.name}
                field={field}
                value={values[field.name] ?? ""}
                error={errors[field.name]}
                onChange={(value) => set(field.name, value)}
              />
            ))}
          </SimpleGrid>
          {failure && (
            <Alert color="red" role="alert" title="The gateway refused this">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={sending}>
              {props.submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function FieldInput(props: {
  field: FieldSpec;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const { field, value, error, onChange } = props;
  const common = {
    label: field.label,
    description: field.description,
    error,
    required: field.required,
    name: field.name,
    "data-field": field.name,
  };
  if (field.kind === "json") {
    return (
      <Textarea
        {...common}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        autosize
        minRows={2}
        placeholder='{"key": "value"}'
        styles={{ input: { fontFamily: "monospace" } }}
      />
    );
  }
  if (field.kind === "boolean" || field.kind === "select") {
    const options = field.kind === "boolean" ? ["true", "false"] : [...(field.options ?? [])];
    return (
      <Select
        {...common}
        data={options.map((o) => ({
          value: o,
          label: field.kind === "boolean" ? (o === "true" ? "Yes" : "No") : o,
        }))}
        value={value || null}
        onChange={(v) => onChange(v ?? "")}
        clearable
      />
    );
  }
  if (field.kind === "secret" || field.kind === "password") {
    return (
      <PasswordInput
        {...common}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        // A password set for someone else: the browser must not offer (or save) the admin's own.
        autoComplete={field.kind === "password" ? "new-password" : "off"}
      />
    );
  }
  const placeholder: Partial<Record<FieldSpec["kind"], string>> = {
    money: "e.g. 25.00 (dollars)",
    integer: "e.g. 100",
    duration: "e.g. 30d, 12h, 1mo",
    list: "comma separated",
  };
  return (
    <TextInput
      {...common}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      placeholder={placeholder[field.kind]}
      inputMode={
        field.kind === "money" ? "decimal" : field.kind === "integer" ? "numeric" : undefined
      }
    />
  );
}
