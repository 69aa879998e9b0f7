/** Errors with a stable `code`; `message` is a sentence a person can act on. */
export class AimsError extends Error {
  constructor(
    readonly code: 'invalid_input' | 'invalid_policy' | 'not_found' | 'not_allowed' | 'conflict',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AimsError';
  }
}
