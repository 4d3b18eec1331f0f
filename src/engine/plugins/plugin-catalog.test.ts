import { describe, expect, it } from 'vitest';
import { STEP_TYPES } from '../steps/registry.js';
import { PLUGINS, pluginTagGroups } from './plugin-catalog.js';

describe('the plugin catalogue', () => {
  it('every step type of the flow language belongs to exactly one plugin, and plugins name no other', () => {
    const named = PLUGINS.flatMap((p) => p.flowSteps.map((f) => f.id));
    expect([...named].sort()).toEqual([...STEP_TYPES].sort());
  });

  it('plugin and tag group ids are unique; tag groups are the system\'s', () => {
    const ids = PLUGINS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const groups = pluginTagGroups();
    expect(new Set(groups.map((g) => g.id)).size).toBe(groups.length);
    expect(groups.every((g) => g.body.definedBy === 'system' && Array.isArray(g.body.tags) && g.body.tags.length > 0)).toBe(true);
  });
});
