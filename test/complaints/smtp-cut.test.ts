import { expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { createTransport } from 'nodemailer';
import { startSmtp } from './support.ts';

/** Sends one SMTP command and resolves with the server's whole reply: up to its last line (`250 …`, not `250-…`). */
function say(socket: Socket, line: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    let reply = '';
    const read = (chunk: Buffer) => {
      reply += chunk.toString();
      if (!/^\d{3} .*\r\n$/m.test(reply)) return;
      socket.off('data', read);
      resolve(reply);
    };
    socket.on('data', read);
    if (line !== undefined) socket.write(`${line}\r\n`);
  });
}

// The crash test kills a server while its outbox may be in the middle of a mail: the SMTP server the tests run must
// take that cut (a reset inside a mail transaction) as a recorded fact, not an uncaught exception in the test process.
it('the test SMTP server records a sender cut in the middle of a mail, and goes on accepting mail', async () => {
  const smtp = await startSmtp();
  // The outbox sends several mails at once: a kill cuts each of them.
  const cutMidMail = async () => {
    const socket = connect(smtp.port, '127.0.0.1');
    expect(await say(socket, undefined)).toMatch(/^220/);
    expect(await say(socket, 'EHLO cut.test')).toMatch(/^250/);
    expect(await say(socket, 'MAIL FROM:<outbox@gongshi.example>')).toMatch(/^250/);
    expect(await say(socket, 'RCPT TO:<agency@gongshi.example>')).toMatch(/^250/);
    expect(await say(socket, 'DATA')).toMatch(/^354/);
    socket.write('Subject: half a mail\r\n\r\nthe sender is killed here');
    socket.resetAndDestroy();
  };
  await Promise.all([cutMidMail(), cutMidMail(), cutMidMail()]);
  for (let i = 0; i < 50 && smtp.cut.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
  expect(smtp.cut.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ECONNRESET', 'ECONNRESET', 'ECONNRESET']);
  expect(smtp.received).toHaveLength(0);

  const transport = createTransport(smtp.url);
  await transport.sendMail({ from: 'outbox@gongshi.example', to: 'agency@gongshi.example', subject: 'whole', text: 'after the cut' });
  expect(smtp.received.map((m) => m.to)).toEqual([['agency@gongshi.example']]);
  await smtp.stop();
});
