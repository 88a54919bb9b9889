// Device messages from the embedded broker into the receiver's delivery: gathered as a broker's messages are (one
// consume per read, hand-off.ts), each settled on its own outcome, which the server turns into the PUBACK.
import type { Message } from '../../core/pdata/index.ts';
import type { Delivery, Offer, Outcome } from './delivery.ts';
import { HandOff } from './hand-off.ts';
import type { IngressSink } from './ingress/server.ts';

interface DeviceOffer extends Offer {
  settle(outcome: Outcome): void;
}

export class DeviceSink implements IngressSink {
  private readonly handOff: HandOff<DeviceOffer>;
  private fills = false;
  private stopped = false;

  constructor(delivery: Delivery, track: (p: Promise<void>) => void) {
    this.handOff = new HandOff((batch) => track(delivery.deliver(batch, (o, outcome) => o.settle(outcome))));
  }

  deliver(message: Message, o: { qos: 0 | 1; fillsWindow: boolean }): Promise<Outcome> {
    // Shutting down: no PUBACK, so the device sends it again to the next hub.
    if (this.stopped) return Promise.resolve('abandoned');
    if (o.fillsWindow) this.fills = true;
    return new Promise((settle) => this.handOff.add({ message, retry: o.qos === 1, settle }));
  }

  /** The flush hint for the consume being started: a device's window filled with one of its messages. */
  takeFlushHint(): boolean {
    const hint = this.fills;
    this.fills = false;
    return hint;
  }

  /** Takes no more messages and sends what is gathered, so nothing taken is left behind. */
  stop(): void {
    this.stopped = true;
    this.handOff.flush();
  }
}
