/**
 * The shape of every message catalogue (model: Astro's errors-data.ts): `name` for code and logs, `title` for a
 * heading, `message` for the person (a function when it names the value at fault), `hint` on how to fix it.
 */
export interface ErrorData {
  name: string;
  title: string;
  message: string | ((...args: never[]) => string);
  hint?: string;
}

type MessageOf<E extends ErrorData> = E['message'];
type ArgsOf<E extends ErrorData> = MessageOf<E> extends (...args: infer A) => string ? A : [];

/** The entry's message with its arguments filled in. */
export function messageOf<E extends ErrorData>(entry: E, ...args: ArgsOf<E>): string {
  const message = entry.message as string | ((...args: ArgsOf<E>) => string);
  return typeof message === 'function' ? message(...args) : message;
}

/** Message and hint as one line: `message：hint`, or straight on when the message ends in its own `。`, `，` or `；`. */
export function withHint<E extends ErrorData>(entry: E, ...args: ArgsOf<E>): string {
  const message = messageOf(entry, ...args);
  if (!entry.hint) return message;
  return /[。，；]$/.test(message) ? `${message}${entry.hint}` : `${message}：${entry.hint}`;
}
