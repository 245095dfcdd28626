/** The projector stopped before the position a caller was waiting for was reached. */
export class ProjectorStoppedError extends Error {
  override readonly name = "ProjectorStoppedError";
  readonly code = "PROJECTOR_STOPPED";
}
