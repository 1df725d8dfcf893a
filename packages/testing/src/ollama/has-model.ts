/** Ollama treats `llama3.2` and `llama3.2:latest` as the same model. */
export function hasModel(models: readonly string[], name: string): boolean {
  const tagged = (model: string) => (model.includes(":") ? model : `${model}:latest`);
  return models.some((model) => tagged(model) === tagged(name));
}
