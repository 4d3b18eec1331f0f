/**
 * `Content-Disposition` for a download, from a name the caller (or a flow's input) chose: bounded
 * (a 1.8 MB name made the header too large for any client, so the document could not be
 * downloaded) and sanitised (no control characters, no path separators).
 */
export const MAX_FILE_NAME_CHARS = 200;

/** The name as a file name: control characters and path separators replaced, at most 200 characters (the extension kept). */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  let clean = [...name.replace(/[\u0000-\u001f\u007f-\u009f/\\]/g, '_')].join('');
  const chars = [...clean];
  if (chars.length > MAX_FILE_NAME_CHARS) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 16 ? [...clean.slice(dot)] : [];
    clean = chars.slice(0, MAX_FILE_NAME_CHARS - ext.length).join('') + ext.join('');
  }
  return clean.trim() || 'document';
}

/** A file name safe in a quoted Content-Disposition value, with the RFC 5987 form for the rest. */
export function contentDisposition(name: string): string {
  const safe = safeFileName(name);
  const ascii = safe.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(safe)}`;
}
