/**
 * The system printers (GetSystemPrinters, GetSystemPrinter): the printing devices the server
 * itself knows, which a configured printer (the printers collection) names as its `definition`.
 * flowmock prints nothing, so its devices are virtual: two built-in ones (`generic-pdf`, a Java
 * print service printer, and `cloud-pdf`, a cloud print one), plus every other definition a
 * configured printer names (an installation that was given printers knows their devices), with
 * that printer's flavour. Details (printerInfo) only when asked for.
 */
import type { PrinterRecord } from '../../store/types.js';

export interface SystemPrinter {
  flavor: 'jps' | 'gcp';
  id: string;
  displayName: string;
  description?: string;
  printerInfo?: {
    jps?: { supported: string[]; paperSources: Array<{ id: number; name: string; aliases: string[] }>; paperSizes: string[] };
    gcp?: { connectionStatus: 'unknown' | 'online' | 'offline' | 'dormant'; createTime: string; updateTime: string; accessTime: string; vendorCapabilities: [] };
  };
}

const JPS_INFO = {
  supported: ['copies', 'sides', 'media', 'orientation-requested', 'chromaticity'],
  paperSources: [{ id: 1, name: 'Tray 1', aliases: ['upper', 'main'] }, { id: 2, name: 'Manual feed', aliases: ['manual'] }],
  paperSizes: ['iso-a4', 'iso-a3', 'na-letter', 'na-legal'],
};

const BUILT_IN: SystemPrinter[] = [
  { flavor: 'jps', id: 'generic-pdf', displayName: 'Generic PDF printer', description: 'flowmock\'s virtual Java print service printer: accepts every job and prints nothing.' },
  { flavor: 'gcp', id: 'cloud-pdf', displayName: 'Cloud PDF printer', description: 'flowmock\'s virtual cloud printer: always online, prints nothing.' },
];

function withDetails(p: SystemPrinter, since: string): SystemPrinter {
  if (p.flavor === 'jps') return { ...p, printerInfo: { jps: JPS_INFO } };
  return { ...p, printerInfo: { gcp: { connectionStatus: 'online', createTime: since, updateTime: since, accessTime: since, vendorCapabilities: [] } } };
}

/** Every system printer, in id order; `details` adds printerInfo (`since`: the server's start, as the cloud times). */
export function systemPrinters(configured: PrinterRecord[], opts: { details: boolean; since: string }): SystemPrinter[] {
  const byId = new Map(BUILT_IN.map((p) => [p.id, p]));
  for (const c of configured) {
    const id = c.definition.id;
    if (byId.has(id)) continue;
    byId.set(id, {
      flavor: c.flavor === 'gcp' ? 'gcp' : 'jps', id, displayName: c.definition.displayName ?? id,
      description: `The device of the configured printer ${c.displayName}.`,
    });
  }
  const all = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  return opts.details ? all.map((p) => withDetails(p, opts.since)) : all;
}
