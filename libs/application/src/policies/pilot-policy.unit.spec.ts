import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { initialSheetState, sheetDecider, sheetStream, type SheetCommand, type SheetEvent } from '#domain';
import { SqliteEventStore } from '#event-store';
import type { WithMetadata } from '../command.js';
import { handleCommands } from '../handle-command.js';
import { foldFromStart } from '../stream-state.js';
import { metadataAt, reportCommand, sheetCreated } from '../../../../tests/support/write-fixtures.js';
import { assertPilotOf, pilotWritePolicy } from './pilot-policy.js';

const pilotOf = (organisationId: string | null) => ({ role: 'pilot' as const, organisationId });
const admin = { role: 'admin' as const, organisationId: null };
const auditor = { role: 'auditor' as const, organisationId: null };

describe('pilot policy: a pilot sees and changes only the sheets its organisation pilots', () => {
  describe('reads', () => {
    it('given a sheet piloted by org-a and org-c, a pilot of either reads it', () => {
      expect(() => assertPilotOf(pilotOf('org-a'), 's1', ['org-a', 'org-c'])).not.toThrow();
      expect(() => assertPilotOf(pilotOf('org-c'), 's1', ['org-a', 'org-c'])).not.toThrow();
    });

    it('a pilot of another organisation, or of none, is refused with not_a_pilot (forbidden)', () => {
      for (const caller of [pilotOf('org-b'), pilotOf(null)]) {
        expect(() => assertPilotOf(caller, 's1', ['org-a'])).toThrow(expect.objectContaining({ code: 'not_a_pilot', kind: 'forbidden', details: { sheetId: 's1' } }));
      }
    });

    it('does not concern the other roles', () => {
      expect(() => assertPilotOf(admin, 's1', [])).not.toThrow();
      expect(() => assertPilotOf(auditor, 's1', [])).not.toThrow();
    });
  });

  describe('writes', () => {
    const sheet = (pilots: string[]) => sheetDecider.evolve(initialSheetState(), sheetCreated('s1', pilots) as unknown as SheetEvent);

    it('given a sheet piloted by org-a, its pilot may write and another organisation\'s pilot may not', () => {
      expect(() => pilotWritePolicy(pilotOf('org-a'), 's1')!(sheet(['org-a']))).not.toThrow();
      expect(() => pilotWritePolicy(pilotOf('org-b'), 's1')!(sheet(['org-a']))).toThrow(expect.objectContaining({ code: 'not_a_pilot', kind: 'forbidden' }));
    });

    it('a pilot asking to write on a sheet that does not exist learns only that it is not found', () => {
      expect(() => pilotWritePolicy(pilotOf('org-a'), 'nowhere')!(initialSheetState())).toThrow(expect.objectContaining({ code: 'sheet_not_found', kind: 'not_found' }));
    });

    it('has no check for the roles it does not concern', () => {
      expect(pilotWritePolicy(admin, 's1')).toBeUndefined();
    });

    describe('checked on the very state the command is decided on', () => {
      let store: SqliteEventStore;
      beforeEach(async () => {
        store = new SqliteEventStore({ path: ':memory:' });
        await store.appendToStream(sheetStream('s1'), [sheetCreated('s1', ['org-a'])]);
      });
      afterEach(() => store.close());

      it('when the secretariat hands the sheet to org-b in the same batch as org-a\'s report, then the report, decided after, is refused', async () => {
        const handOver: WithMetadata<SheetCommand> = { type: 'ReviseSheet', data: { changes: { pilots: ['org-b'] }, reason: 'new pilot' }, metadata: metadataAt('2024-06-30T12:00:00Z') };
        const [revised, reported] = await handleCommands(store, sheetStream('s1'), sheetDecider, [
          { command: handOver },
          { command: reportCommand('x1'), authorise: pilotWritePolicy(pilotOf('org-a'), 's1') },
        ]);

        expect(revised!.status).toBe('fulfilled');
        expect(reported).toMatchObject({ status: 'rejected', reason: { code: 'not_a_pilot' } });
        const { state } = await foldFromStart.read(store, sheetStream('s1'), sheetDecider);
        expect(state.fields.pilots).toEqual(['org-b']);
        expect(state.indicators.get('i1')!.reports.size).toBe(0);
      });
    });
  });
});
