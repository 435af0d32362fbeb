/** Export Results' rule for a target that already exists: ask, and replace only by moving the old one to the trash. */

/** What makeRoomFor needs from the editor (vscode.workspace.fs and a modal question). */
export interface ExportTargetIo {
  exists(target: string): Promise<boolean>;
  /** A modal question; true only when the user chose Replace. */
  askReplace(message: string): Promise<boolean>;
  /** Moves `target` to the trash (throws when the file system has none). */
  moveToTrash(target: string): Promise<void>;
  showError(message: string): void;
}

/** True when `target` is free: it did not exist, or the user chose Replace and the old one went to the trash. */
export async function makeRoomFor(target: string, name: string, place: string, io: ExportTargetIo): Promise<boolean> {
  if (!(await io.exists(target))) return true;
  if (!(await io.askReplace(`Landscape Lens: ${place} already has "${name}". Replace it? The existing one is moved to the trash.`))) return false;
  try {
    await io.moveToTrash(target);
    return true;
  } catch (error) {
    io.showError(`Landscape Lens: could not move the existing "${name}" to the trash (${(error as Error).message}); nothing was exported. Move or rename it yourself, or pick another folder.`);
    return false;
  }
}
