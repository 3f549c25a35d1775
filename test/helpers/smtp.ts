import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback that keeps what it receives (raw message data). */
export async function startSmtpSink() {
  const received: { to: string[]; data: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk) => (data += chunk));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A message body as written: quoted-printable soft line breaks and escaped "=" undone. */
export const unquote = (data: string) => data.replace(/=\r\n/g, '').replace(/=3D/g, '=');
