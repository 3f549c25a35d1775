import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import { defineJob } from '../core/jobs.ts';
import { emailNotification, EMAIL_JOB } from './service.ts';

export const emailJob = (chorus: Chorus) =>
  defineJob({
    name: EMAIL_JOB,
    schema: z.object({ notificationId: z.uuid() }),
    retryLimit: 5,
    retryDelaySeconds: 30,
    handler: async ({ notificationId }) => emailNotification(chorus, notificationId),
  });
