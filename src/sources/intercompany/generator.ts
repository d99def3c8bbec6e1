/**
 * Generation of one `intercompany` partition (one month, p = month_index; domain.md §1.1, §1.3, §7).
 *
 * Per business day of the parent calendar, 3 attempts each succeed with `ic_transaction_rate`; a
 * pair picks a subsidiary uniformly and a direction 50/50, a type by weight and a base amount
 * uniform in the type's group-currency band. Every purpose has its own stream (D4), consumed in
 * pair order; eliminations use streams of their own, so switching them on leaves the pairs and
 * their entries byte-identical.
 *
 * Date rule (domain.md §6.1, I7): the attempt's day is a parent business day; when it is not also a
 * business day of the subsidiary, the pair moves to the next day of the same month that is a
 * business day of both, else to the previous one; a month without any common business day drops
 * the pair (it is not numbered). So `transaction_date` = `posting_date` of both entries is a
 * business day of the seller and the buyer, inside the partition's month.
 */
import type { Batch } from '../../engine/batch.js';
import type { GenerationContext } from '../../engine/plugins.js';
import type { Company, CompanyCalendar } from '../../domain/types.js';
import { consolidationCompany, GROUP_COMPANY_CODE } from '../../domain/companies.js';
import { mulDivRound } from '../../domain/money.js';
import { deriveUuid } from '../../random/derive.js';
import { Rng } from '../../random/rng.js';
import { icMatchedPairs } from '../../tables/intercompany.js';
import { DocumentJeWriter, type DocJeLine } from '../documents/je-writer.js';
import { TableAppender } from '../documents/appender.js';
import { IC_ATTEMPTS_PER_DAY, IC_TYPE_SPECS, type IcOptions, type IcTypeSpec } from './options.js';

const DAY_S = 86_400;
const HOUR_S = 3_600;
const IC_USER = 'IC_GENERATOR';
const CONSOLIDATION_USER = 'CONSOLIDATION';
/** §6.5 precedent: reserved automated posters carry the automated_system persona. */
const PERSONA = 'automated_system';
const SOURCE_SYSTEM = 'SAP-FI';
/** Leaf cost centers of the R2R pool (domain.md §5.6) for buyer expense lines other than goods_sale. */
const R2R_LEAF_PREFIXES = ['FIN-GL', 'CORP-'];

/** `IC{YYYYMM}{n:06}` and its documents `ICS…` / `ICB…` (domain.md §0.3). */
export function icReference(year: number, month: number, n: number, prefix: 'IC' | 'ICS' | 'ICB' = 'IC'): string {
  return `${prefix}${year}${month < 10 ? '0' : ''}${month}${String(n).padStart(6, '0')}`;
}

/**
 * Transfer price in group-currency cents: base × (1 + markup) for the cost-plus types, else the base
 * (domain.md §7), rounded half away from zero.
 *
 * @example
 * transferPriceCents(IC_TYPE_SPECS[0], 100_000_00, 50_000); // 105_000_00 (goods_sale, 5 %)
 */
export function transferPriceCents(spec: IcTypeSpec, baseCents: number, markupMicros: number): number {
  return spec.markup ? mulDivRound(baseCents, 1_000_000 + markupMicros, 1_000_000) : baseCents;
}

/**
 * The pair's posting day: `day` itself when it is a business day of both calendars, else the next
 * common business day in [from, to), else the previous one; null when the month has none.
 */
export function commonBusinessDay(day: number, a: CompanyCalendar, b: CompanyCalendar, from: number, to: number): number | null {
  const ok = (d: number): boolean => a.isBusinessDay(d) && b.isBusinessDay(d);
  for (let d = day; d < to; d++) if (ok(d)) return d;
  for (let d = day - 1; d >= from; d--) if (ok(d)) return d;
  return null;
}

/** Intraday seconds of automated-like postings (domain.md §5.5): 70 % batch window, else any hour. */
function automatedSeconds(r: Rng): number {
  let hour: number;
  if (r.chance(0.7)) hour = r.chance(0.6) ? r.int(0, 6) : r.int(20, 23);
  else hour = r.int(0, 23);
  return hour * HOUR_S + r.int(0, 59) * 60 + r.int(0, 59);
}

interface PairRecord {
  readonly icRef: string;
  readonly spec: IcTypeSpec;
  readonly seller: Company;
  readonly buyer: Company;
  /** Group-currency cents: gross (transfer price), net of WHT. */
  readonly gross: number;
  readonly net: number;
}

/** Business days of `cal` in [from, to). */
function businessDaysIn(cal: CompanyCalendar, from: number, to: number): number[] {
  const out: number[] = [];
  for (let d = from; d < to; d++) if (cal.isBusinessDay(d)) out.push(d);
  return out;
}

/**
 * Generates one month: seller entry, buyer entry and `ic_matched_pairs` row per pair in pair order,
 * then (with `generate_eliminations`) one GROUP elimination per pair. Pure function of the inputs.
 */
export function* generateIcPartition(componentId: string, opts: IcOptions, m: number, ctx: GenerationContext): Generator<Batch> {
  const ref = ctx.reference;
  const { period, companies, fx } = ref;
  const parent = companies[0];
  const subs = companies.slice(1);
  const parentCal = ref.calendar(parent.country);
  const from = period.monthStart[m];
  const to = period.monthStart[m + 1];
  const { year, month } = period.yearMonth(m);

  const S = (label: string): Rng => Rng.for(ctx.seed, componentId, m, label);
  const rng = {
    attempts: S('attempts'), partners: S('partners'), direction: S('direction'), types: S('types'),
    amounts: S('amounts'), costCenters: S('cost_centers'), times: S('times'),
  };

  const jel = new DocumentJeWriter(m, ctx);
  const pairsOut = new TableAppender(icMatchedPairs, m, ctx.batchRows);
  const P = pairsOut.cols;
  const pairs: PairRecord[] = [];
  const weights = opts.typeWeights;
  const coa = ref.coa.byNumber;

  const expenseCostCenter = (buyer: Company, spec: IcTypeSpec): string | null => {
    if (!coa.get(spec.buyerDebit)?.requiresCostCenter) return null;
    const list = ref.costCentersOf(buyer.code);
    if (spec.type === 'goods_sale') {
      const id = `CC-${buyer.code}-PROD-ASSY`;
      return list.some((c) => c.id === id) ? id : null;
    }
    const pool = list.filter((c) => c.level === 2 && R2R_LEAF_PREFIXES.some((p) => c.id.startsWith(`CC-${buyer.code}-${p}`)));
    return pool.length === 0 ? null : rng.costCenters.pick(pool).id;
  };

  let n = 0;
  for (const attemptDay of businessDaysIn(parentCal, from, to)) {
    for (let k = 0; k < IC_ATTEMPTS_PER_DAY; k++) {
      if (!rng.attempts.chance(opts.transactionRate)) continue;
      const sub = subs.length === 1 ? subs[0] : subs[rng.partners.int(0, subs.length - 1)];
      const parentSells = rng.direction.chance(0.5);
      const spec = IC_TYPE_SPECS[rng.types.weightedIndex(weights)];
      const base = rng.amounts.int(spec.minCents, spec.maxCents);
      const seller = parentSells ? parent : sub;
      const buyer = parentSells ? sub : parent;
      const costCenter = expenseCostCenter(buyer, spec);
      const sellerSeconds = automatedSeconds(rng.times);
      const buyerSeconds = automatedSeconds(rng.times);
      const day = commonBusinessDay(attemptDay, parentCal, ref.calendar(sub.country), from, to);
      if (day === null) continue;
      n++;
      const icRef = icReference(year, month, n);
      const sellerDoc = icReference(year, month, n, 'ICS');
      const buyerDoc = icReference(year, month, n, 'ICB');

      // Amounts fixed in group currency (domain.md §7); WHT on the transfer price.
      const gross = transferPriceCents(spec, base, opts.markupMicros);
      const wht = spec.whtMicros === 0 ? 0 : mulDivRound(gross, spec.whtMicros, 1_000_000);
      const net = gross - wht;
      const sNet = fx.groupToLocal(net, seller.currency, day);
      const sWht = fx.groupToLocal(wht, seller.currency, day);
      const bNet = fx.groupToLocal(net, buyer.currency, day);
      const bWht = fx.groupToLocal(wht, buyer.currency, day);

      const description = `IC ${spec.type} from ${seller.code} to ${buyer.code}`;
      const sellerJe = deriveUuid(ctx.seed, componentId, m, `${icRef}:seller`);
      const buyerJe = deriveUuid(ctx.seed, componentId, m, `${icRef}:buyer`);
      const header = {
        postingDay: day, documentDay: day, documentType: 'IC', businessProcess: 'INTERCOMPANY', template: `ic_${spec.type}`,
        sourceSystem: SOURCE_SYSTEM, createdBy: IC_USER, persona: PERSONA, reference: icRef,
        sourceDocumentType: 'ic_pair', sourceDocumentId: icRef,
      } as const;
      // Seller: DR 1150 net of WHT, DR 1400 WHT / CR revenue gross. Explicit group amounts on both
      // sides make the buyer's equal the seller's by construction.
      const sellerLines: DocJeLine[] = [
        { account: '1150', amount: sNet, groupAmount: net, tradingPartner: buyer.code },
        { account: '1400', amount: sWht, groupAmount: wht, tradingPartner: buyer.code },
        { account: spec.sellerCredit, amount: -(sNet + sWht), groupAmount: -gross, tradingPartner: buyer.code },
      ];
      jel.add({ ...header, documentId: sellerJe, companyCode: seller.code, createdAt: day * DAY_S + sellerSeconds, currency: seller.currency,
        headerText: `${description} (${sellerDoc})` }, sellerLines);
      // Buyer: DR expense gross / CR 2050 net, CR 2120 WHT.
      const buyerLines: DocJeLine[] = [
        { account: spec.buyerDebit, amount: bNet + bWht, groupAmount: gross, costCenter, tradingPartner: seller.code },
        { account: '2050', amount: -bNet, groupAmount: -net, tradingPartner: seller.code },
        { account: '2120', amount: -bWht, groupAmount: -wht, tradingPartner: seller.code },
      ];
      jel.add({ ...header, documentId: buyerJe, companyCode: buyer.code, createdAt: day * DAY_S + buyerSeconds, currency: buyer.currency,
        headerText: `${description} (${buyerDoc})` }, buyerLines);

      pairsOut.next();
      pairsOut.str(P.ic_reference, icRef);
      pairsOut.str(P.transaction_type, spec.type);
      pairsOut.str(P.seller_company, seller.code);
      pairsOut.str(P.buyer_company, buyer.code);
      pairsOut.num(P.amount, sNet + sWht);
      pairsOut.str(P.currency, seller.currency);
      pairsOut.num(P.group_amount, gross);
      pairsOut.num(P.transaction_date, day);
      pairsOut.str(P.seller_document, sellerDoc);
      pairsOut.str(P.buyer_document, buyerDoc);
      pairsOut.str(P.seller_journal_entry_id, sellerJe);
      pairsOut.str(P.buyer_journal_entry_id, buyerJe);
      pairsOut.str(P.description, description);
      pairsOut.str(P.transfer_pricing_method, opts.transferPricingMethod);
      pairsOut.num(P.withholding_tax, sWht);
      pairsOut.str(P.settlement_status, 'open');
      if (opts.generateEliminations) pairs.push({ icRef, spec, seller, buyer, gross, net });
      yield* jel.take();
      yield* pairsOut.take();
    }
  }

  if (opts.generateEliminations && pairs.length > 0) {
    const group = consolidationCompany(ctx.config, companies, ref.groupCurrency);
    const groupCode = group?.code ?? GROUP_COMPANY_CODE;
    const groupCurrency = ref.groupCurrency;
    const days = businessDaysIn(parentCal, from, to);
    const day = days[days.length - 1];
    const times = S('elimination_times');
    for (const p of pairs) {
      // DR seller revenue / CR buyer expense, DR 2050 / CR 1150, group-currency amounts (domain.md §7).
      // GROUP has no cost centers, so the 5xxx/6xxx line carries none.
      jel.add({
        documentId: deriveUuid(ctx.seed, componentId, m, `${p.icRef}:elimination`), companyCode: groupCode,
        postingDay: day, documentDay: day, createdAt: day * DAY_S + automatedSeconds(times), documentType: 'ELIMINATION',
        businessProcess: 'INTERCOMPANY', template: 'ic_elimination', sourceSystem: SOURCE_SYSTEM, createdBy: CONSOLIDATION_USER,
        persona: PERSONA, currency: groupCurrency, rateMicros: 1_000_000, reference: p.icRef,
        headerText: `IC elimination ${p.spec.type} ${p.seller.code}/${p.buyer.code} (${p.icRef})`,
        sourceDocumentType: null, sourceDocumentId: null, isElimination: true,
      }, [
        { account: p.spec.sellerCredit, amount: p.gross, tradingPartner: p.buyer.code },
        { account: p.spec.buyerDebit, amount: -p.gross, tradingPartner: p.seller.code },
        { account: '2050', amount: p.net, tradingPartner: p.seller.code },
        { account: '1150', amount: -p.net, tradingPartner: p.buyer.code },
      ]);
      yield* jel.take();
    }
  }
  yield* jel.finish();
  yield* pairsOut.finish();
}

/** Expected pairs of month m (plannedRows): rate × 3 × parent business days. */
export function expectedPairs(opts: IcOptions, ctx: GenerationContext, m: number): number {
  const ref = ctx.reference;
  const cal = ref.calendar(ref.companies[0].country);
  return opts.transactionRate * IC_ATTEMPTS_PER_DAY * businessDaysIn(cal, ref.period.monthStart[m], ref.period.monthStart[m + 1]).length;
}
