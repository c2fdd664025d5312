/** A model could not be loaded; the message says which and what to do about it. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}
