/**
 * Sends subscription mail (confirmations) after the HTTP response instead of
 * before it: the answer to "subscribe" then takes the same time whether or
 * not a mail goes out, which is what keeps response timing from telling
 * whether an address is already subscribed.
 */
import type { MailTransport, OutgoingMail } from '../mail/mail-transport.js';

export class MailDispatcher {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly transport: MailTransport,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /**
   * Builds and sends the mail after returning: rendering is part of what must
   * not show in the response time. Failures are logged, never thrown at the requester.
   */
  dispatch(build: () => Promise<OutgoingMail>): void {
    const sending = build()
      .then((mail) => this.transport.send(mail))
      .then(
        (outcome) => {
          if (outcome.status !== 'sent') this.log(`subscription mail not sent (${outcome.status}): ${outcome.error}`);
        },
        (error: unknown) => this.log(`subscription mail failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    const tracked = sending.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Resolves when every queued mail has been handed to the transport (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
