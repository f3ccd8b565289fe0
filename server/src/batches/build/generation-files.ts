import type { Annotation } from '../../../../lib/contract';
import { promptMessages, promptParts, ticketTexts, type PromptParts } from '../examples/prompt';
import { replyProvenance } from '../examples/provenance';
import { scannedAhead } from '../examples/row-redaction';
import { ticketKey, ticketPseudonym } from '../examples/ticket';
import { streamAnnotations, type SourceRow } from '../source';
import { AdmissionGate } from './admission-gate';
import { fromAnnotation } from './batch-output';
import type { BuildContext } from './build-context';
import { armSuperseded, heldOut, inWindow } from './scope';
import { sftCandidate } from './sft-candidate';
import type { DeferredRows } from './deferred-rows';
import { dpoJson, ktoJson, promptRow } from './row-json';
import { sameReply } from './same-reply';
import { SftTally } from './sft-plan';

type AdoptionRow = SourceRow & { annotation: Extract<Annotation, { type: 'adoption' }> };
type PreferenceRow = SourceRow & { annotation: Extract<Annotation, { type: 'preference' }> };

/** Where one annotation stands: in the batch's window, which ticket, held out for eval, its prompt. */
interface RowAt {
  inScope: boolean;
  ticketKey: string;
  ticket: string;
  held: boolean;
  prompt: () => Promise<PromptParts>;
}

/**
 * Phase 1: dpo, kto and the reply/preference part of eval, from adoptions and preferences in
 * arrival order, written through `held` (which keeps their sources lines back); the SFT targets
 * the gate admits are tallied, each with a place reserved among those lines, for sft-rows.ts to
 * fill once the caps are known.
 */
export async function generationFiles(ctx: BuildContext, held: DeferredRows): Promise<SftTally> {
  const pass = new GenerationPass({ ...ctx, output: held }, held);
  const { db, tenantId, spec, knowledge, checkpoint } = ctx;
  checkpoint.phase('replies and preferences', ctx.totals.replies);
  const pages = streamAnnotations(db, tenantId, { types: ['adoption', 'preference'], fromSeq: 0, toSeq: spec.watermark, withContext: true });
  for await (const page of scannedAhead(pages, ctx.redaction, rowTexts)) {
    await knowledge.load(page.flatMap((r) => r.impression?.articles ?? []));
    for (const row of page) await pass.row(row);
    await checkpoint.passed(page.length);
  }
  return pass.tally;
}

/** The texts a row may have redacted, but for the articles (few, and cached): its ticket, the arms' replies, the sent reply. */
function* rowTexts(row: SourceRow): Iterable<string> {
  if (!row.impression) return;
  const ticket = ticketTexts(row.context);
  yield* ticket.system;
  for (const t of ticket.turns) yield* t.texts;
  for (const arm of row.impression.arms) yield arm.text;
  if (row.annotation.type === 'adoption' && row.annotation.payload.sentText) yield row.annotation.payload.sentText;
}

class GenerationPass {
  readonly tally: SftTally;
  private readonly sftGate: AdmissionGate;
  private readonly dpoGate: AdmissionGate;
  private readonly ktoGate: AdmissionGate;

  constructor(
    private readonly ctx: BuildContext,
    private readonly held: DeferredRows,
  ) {
    const { notes, spec } = ctx;
    this.tally = new SftTally(spec);
    this.sftGate = new AdmissionGate('sft', notes, spec.maxPerTicket, spec.nearDuplicate);
    this.dpoGate = new AdmissionGate('dpo', notes, spec.maxPerTicket);
    this.ktoGate = new AdmissionGate('kto', notes, spec.maxPerTicket);
  }

  async row(row: SourceRow): Promise<void> {
    const { ctx } = this;
    const a = row.annotation;
    const key = ticketKey(a.ticket);
    let parts: PromptParts | null = null;
    const at: RowAt = {
      inScope: inWindow(ctx.spec, row.seq),
      ticketKey: key,
      ticket: ticketPseudonym(ctx.tenantId, a.ticket.platform, a.ticket.ticketId),
      held: heldOut(ctx.spec, key),
      // The prompt is rebuilt once per annotation, and only if a row needs it.
      prompt: async () => (parts ??= await this.promptOf(row)),
    };
    if (a.type === 'adoption') await this.adoption(row as AdoptionRow, at);
    else if (a.type === 'preference' && at.inScope) await this.preference(row as PreferenceRow, at);
  }

  /**
   * The prompt of the row's impression. Consecutive rows of one impression share its parsed objects
   * (source.ts), and the prompt is a function of them, so it is made once per run of rows.
   */
  private lastPrompt: { impression: object; context: object | null; parts: Promise<PromptParts> } | null = null;
  private promptOf(row: SourceRow): Promise<PromptParts> {
    const { ctx } = this;
    const last = this.lastPrompt;
    if (last && last.impression === row.impression && last.context === row.context) return last.parts;
    const parts = promptParts(ctx.redaction, ctx.knowledge, row.impression!, row.context, ctx.spec.articleChars);
    this.lastPrompt = { impression: row.impression!, context: row.context, parts };
    return parts;
  }

  /** SFT (the sent reply), KTO (the model's reply, adopted or not), DPO (the agent's reply over the model's). */
  private async adoption(row: AdoptionRow, at: RowAt): Promise<void> {
    const { current, notes, redaction, output } = this.ctx;
    const a = row.annotation;
    const { inScope, ticketKey, ticket, held, prompt } = at;
    const c = sftCandidate(row, current);
    if (inScope) {
      notes.annotation(row);
      if (row.impression) notes.impression(row.impression);
      const arm = row.impression?.arms.find((x) => x.slot === a.payload.slot);
      notes.drift.adoption(a.payload.outcome, a.payload.slot === null ? null : (arm?.armId ?? 'unknown'));
      notes.adoptionThresholds(a.payload.thresholds);
    }
    if (typeof c !== 'string' && !held) {
      // In the window: every human reply, and synthetic ones up to the cap. Before it: re-sampled
      // human anchors. Which ones is known only at the end of the pass: each gets a place.
      const admitted = this.sftGate.admit(ticketKey, c.text, inScope);
      if (admitted && this.tally.add({ seq: row.seq, annotationId: a.id, text: c.text, synthetic: c.synthetic, inWindow: inScope })) await this.held.reserve();
    } else if (typeof c === 'string' && inScope && c !== 'not_adoption') {
      notes.exclude(`sft.${c}`);
    }
    if (!inScope || !row.impression || a.payload.slot === null) return;
    const arm = row.impression.arms.find((x) => x.slot === a.payload.slot);
    if (!arm) return notes.exclude('adoption.unknown_arm');
    if (held) {
      if (typeof c !== 'string' && !c.synthetic) {
        const r = redaction.row();
        await output.writeEval({ task: 'reply', prompt: promptMessages(await prompt(), r), reference: await redaction.redact(r, c.text), label: a.payload.outcome }, row, ticket, c.provenance);
      }
      return;
    }
    if (armSuperseded(current, row.impression, arm)) return notes.exclude('adoption.superseded_article');
    const outcome = a.payload.outcome;
    if (outcome === 'as_is' || outcome === 'light_edit' || outcome === 'discarded') {
      // KTO judges the model's own reply: adopted (as is or lightly edited) or discarded.
      if (this.ktoGate.admit(ticketKey)) {
        const r = redaction.row();
        const messages = promptRow(await prompt(), r, '{"prompt":[');
        const completion = await redaction.redact(r, arm.text);
        await output.writeJson('kto.jsonl', ktoJson(messages, completion, outcome !== 'discarded'), fromAnnotation(row, ticket, 'model_unedited', null, outcome));
      }
    }
    if ((outcome === 'heavy_edit' || outcome === 'discarded') && a.payload.sentText && a.payload.channel !== 'internal') {
      // What the agent sent instead, preferred over the suggestion it replaced.
      if (sameReply(a.payload.sentText, arm.text)) return notes.exclude('dpo.identical_pair');
      if (!this.dpoGate.admit(ticketKey)) return;
      const r = redaction.row();
      const messages = promptRow(await prompt(), r, '{"prompt":[');
      const chosen = await redaction.redact(r, a.payload.sentText);
      const rejected = await redaction.redact(r, arm.text);
      await output.writeJson('dpo.jsonl', dpoJson(messages, chosen, rejected), fromAnnotation(row, ticket, replyProvenance(outcome), 'model_unedited', outcome));
    }
  }

  /** DPO: the arm the agent preferred over the other. */
  private async preference(row: PreferenceRow, at: RowAt): Promise<void> {
    const { current, notes, redaction, output } = this.ctx;
    const a = row.annotation;
    const { ticketKey, ticket, held, prompt } = at;
    notes.annotation(row);
    if (!row.impression) return notes.exclude('dpo.no_impression');
    notes.impression(row.impression);
    const { verdict, strength } = a.payload;
    if (verdict !== 'A' && verdict !== 'B') return notes.exclude('dpo.no_winner');
    const winner = row.impression.arms.find((x) => x.slot === verdict);
    const loser = row.impression.arms.find((x) => x.slot !== verdict);
    if (!winner || !loser) return notes.exclude('dpo.unknown_arm');
    if (armSuperseded(current, row.impression, winner) || armSuperseded(current, row.impression, loser)) return notes.exclude('dpo.superseded_article');
    if (!held && !this.dpoGate.admit(ticketKey)) return;
    const r = redaction.row();
    // The prompt is redacted first either way (its placeholders come first): as messages for eval, as the row's JSON for dpo.
    const parts = await prompt();
    const evalPrompt = held ? promptMessages(parts, r) : null;
    const dpo = held ? null : promptRow(parts, r, '{"prompt":[');
    const chosen = await redaction.redact(r, winner.text);
    const rejected = await redaction.redact(r, loser.text);
    if (evalPrompt) return output.writeEval({ task: 'preference', prompt: evalPrompt, chosen, rejected, label: strength ?? null }, row, ticket, 'model_unedited');
    await output.writeJson('dpo.jsonl', dpoJson(dpo!, chosen, rejected), fromAnnotation(row, ticket, 'model_unedited', 'model_unedited', strength ?? null));
  }
}
