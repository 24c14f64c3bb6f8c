/** A setting the process cannot start with; its message names the setting and never repeats a secret. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
