// Shared formatting rules: every package's `lint` script checks against these.
export default {
  printWidth: 100,
  singleQuote: false,
  trailingComma: "all",
  semi: true,
};
