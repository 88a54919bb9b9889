// The transform processor: runs its OTTL statement groups, in the order written, on every item of each group's
// context, changing the data in place (the factory declares mutatesData). A group's conditions (any holds) gate
// its statements; each statement's where clause gates that statement. A failing statement or condition is handled
// by error_mode: propagate fails the batch (permanently: the same data would fail again), ignore logs it
// (rate-limited) and goes on with the next statement, silent goes on without a word.
import type { Processor, ProcessorCreateSettings } from '../../core/component.ts';
import type { ConsumeContext, Consumer } from '../../core/consumer.ts';
import type { SignalData } from '../../core/pdata/index.ts';
import type { TransformContext } from '../../ottl/index.ts';
import type { Group } from '../helper/ottl-config.ts';
import type { OttlErrors } from '../helper/ottl-errors.ts';
import { ottlErrors } from '../helper/ottl-errors.ts';
import type { TransformConfig } from './config.ts';
import { compileTransform } from './config.ts';
import { walk } from './walk.ts';

export class TransformProcessor implements Processor {
  readonly mutatesData = true;
  private readonly groups: Group[];
  private readonly errors: OttlErrors;

  constructor(
    settings: ProcessorCreateSettings,
    config: TransformConfig,
    private readonly next: Consumer,
  ) {
    const { plan, issues } = compileTransform(config);
    // validate() refused these already; a config that reaches here without it is still refused.
    if (issues.length > 0) throw new Error(`invalid transform config: ${issues.map((i) => i.message).join('; ')}`);
    this.groups = plan[settings.pipelineType];
    this.errors = ottlErrors(settings, 'transform', 'statement', 'going on with the next');
  }

  private gate(group: Group, ctx: TransformContext): boolean {
    if (group.conditions.length === 0) return true;
    for (const c of group.conditions) {
      try {
        if (c.test(ctx)) return true;
      } catch (err) {
        this.errors.failed(group.errorMode, c.text, err);
      }
    }
    return false;
  }

  private run(group: Group, ctx: TransformContext): void {
    if (!this.gate(group, ctx)) return;
    for (const s of group.statements) {
      try {
        s.run(ctx);
      } catch (err) {
        this.errors.failed(group.errorMode, s.text, err);
      }
    }
  }

  async consume(data: SignalData, ctx?: ConsumeContext): Promise<void> {
    // Nothing to do for this signal: the data goes on untouched (and still encoded, if it came so).
    for (const group of this.groups) walk(data, group.context, (item) => this.run(group, item));
    // The items are the same ones, changed: ctx (parts, retry key) still describes them.
    await this.next.consume(data, ctx);
  }

  async shutdown(): Promise<void> {
    this.errors.close();
  }
}
