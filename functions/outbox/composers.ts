import { z } from 'zod';
import type { ComposedMail } from '../mail/compose.ts';

/**
 * The composers the outbox knows, by the name stored in `outbox.compose`: a mail queued without its text names
 * the composer that writes it when it is sent.
 */
export const composerNames = ['intake'] as const;
export const composerNameSchema = z.enum(composerNames);
export type ComposerName = z.infer<typeof composerNameSchema>;

export interface ComposeRequest {
  complaintId: string | null;
  kind: string;
  recipient: string;
}

export type Composer = (request: ComposeRequest) => Promise<ComposedMail>;
export type Composers = Record<ComposerName, Composer>;
