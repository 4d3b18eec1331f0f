/**
 * The PhixFlow version flowmock emulates (`--phixflow-version`, FLOWMOCK_PHIXFLOW_VERSION):
 * `latest` (default: the newest behaviour) or a release such as `11.2` or `11.1.1`. Up to and
 * including 11.2, the API user also needs the privilege "View Table Actions".
 */
export const PHIXFLOW_LATEST = 'latest';
const VERSION = /^(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?$/;

/** Whether `version` is `latest` or a version number (major[.minor[.patch]]). */
export function isPhixflowVersion(version: string): boolean {
  return version === PHIXFLOW_LATEST || VERSION.test(version);
}

/** -1, 0 or 1 as `version` is older than, equal to or newer than `than` (missing parts are 0; latest is newest). */
function compareVersions(version: string, than: string): number {
  if (version === PHIXFLOW_LATEST) return 1;
  const a = VERSION.exec(version)!.slice(1).map((x) => Number(x ?? 0));
  const b = VERSION.exec(than)!.slice(1).map((x) => Number(x ?? 0));
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** The privileges an API user needs under the emulated version. */
export function requiredPhixflowPrivileges(version: string): string[] {
  const base = ['Use API Key', 'Run Actions'];
  // "Up to version 11.2 also View Table Actions" (PhixFlow help): every 11.2.x release included.
  return compareVersions(version, '11.2.999') <= 0 ? [...base, 'View Table Actions'] : base;
}
