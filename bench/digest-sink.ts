/**
 * The digest benchmark's mail sink, run as a child process (its own core):
 * a real SMTP server on loopback that accepts everything, reads each message
 * to the end and throws it away, counting. It reports its port when
 * listening and its count when asked (IPC).
 */
import { SMTPServer } from 'smtp-server';

let accepted = 0;
let bytes = 0;

const server = new SMTPServer({
  secure: false,
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  maxClients: 1000,
  closeTimeout: 500,
  onData(stream, _session, callback) {
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stream.on('end', () => {
      accepted += 1;
      callback();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});

process.on('message', (message) => {
  if (message === 'count') {
    const cpu = process.cpuUsage();
    process.send?.({ accepted, bytes, rssBytes: process.resourceUsage().maxRSS * 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  }
  if (message === 'stop') server.close(() => process.exit(0));
});
