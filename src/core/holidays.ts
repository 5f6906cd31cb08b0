import { z } from 'zod';
import { isoDate } from './dates.ts';

/**
 * The optional `holidays.yaml` of the content folder: the dates on which the working-day count of complaint
 * deadlines departs from Monday–Friday.
 */
export const holidaysSchema = z
  .object({
    /** Weekdays that are not working days (法定节假日). */
    holidays: z.array(isoDate).default([]),
    /** Saturdays/Sundays that are working days (调休上班). */
    workdays: z.array(isoDate).default([]),
  })
  .strict();

export type Holidays = z.infer<typeof holidaysSchema>;
