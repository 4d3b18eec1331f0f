/**
 * The licence and the notifications (src/engine/system/license.ts, notifications.ts): the licence
 * in force (the stated sandbox licence until a flowmock-license file is installed), installing one
 * (a file that breaks a rule is a 400 naming where, a JSON pointer into the file, and the rule),
 * and the most severe notice the installation's state gives now.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { invalidField } from '../../handler-contract/problem.js';
import type { components } from '../../../generated/openapi-types.js';
import { LicenseError, installLicense, licenseInformation, readLicense } from '../../engine/system/license.js';
import { currentNotification } from '../../engine/system/notifications.js';

type LicenseInformation = components['schemas']['LicenseInformation'];

export const licenseHandlers: Pick<Handlers, 'GetLicense' | 'InstallLicense' | 'GetNotifications'> = {
  async GetLicense(ctx) {
    const { store, clock } = ctx.services;
    return { status: 200, body: await licenseInformation(store, clock.now()) as LicenseInformation };
  },

  async InstallLicense(ctx) {
    const { store, clock } = ctx.services;
    const now = clock.now();
    let file;
    try {
      file = readLicense(ctx.rawBody ?? Buffer.alloc(0), now);
    } catch (err) {
      if (err instanceof LicenseError) throw invalidField('body', err.pointer, err.rule, err.message);
      throw err;
    }
    await installLicense(store, file);
    return { status: 200, body: await licenseInformation(store, now) as LicenseInformation };
  },

  async GetNotifications(ctx) {
    return { status: 200, body: await currentNotification(ctx.services.store, ctx.services.clock.now()) };
  },
};
