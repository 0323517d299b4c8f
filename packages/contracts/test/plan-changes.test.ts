import { ContractsErrorCode } from '../src/errors';
import { countPlanChanges, NO_PLAN_CHANGES, planChangesText } from '../src/plan-changes';

const rc = (actions: string[], mode = 'managed', address = `aws_x.${actions.join('_')}`) => ({
  address,
  mode,
  change: { actions },
});

describe('plan change counts', () => {
  test("counts as terraform's summary line: a replacement is an add, a destroy and a replace; reads and no-ops are not counted", () => {
    const plan = {
      resource_changes: [
        rc(['create']),
        rc(['create']),
        rc(['update']),
        rc(['delete']),
        rc(['delete', 'create']),
        rc(['create', 'delete']),
        rc(['no-op']),
        rc(['read'], 'data'),
        rc(['create'], 'data'),
        rc(['forget']),
      ],
    };
    const counts = countPlanChanges(plan);
    expect(counts).toEqual({ add: 4, change: 1, destroy: 3, replace: 2 });
    expect(planChangesText(counts)).toBe('4 to add, 1 to change, 3 to destroy (2 replaced)');
  });

  test('a plan without changes counts none', () => {
    expect(countPlanChanges({ format_version: '1.2' })).toEqual(NO_PLAN_CHANGES);
    expect(planChangesText(NO_PLAN_CHANGES)).toBe('0 to add, 0 to change, 0 to destroy');
  });

  test.each([
    ['not an object', 'plan', /the plan is not a JSON object/],
    ['resource_changes not a list', { resource_changes: {} }, /resource_changes is not a list/],
    [
      'no actions',
      { resource_changes: [{ address: 'aws_a.b', change: {} }] },
      /aws_a\.b: change\.actions undefined/,
    ],
    [
      'an unknown action',
      { resource_changes: [rc(['explode'])] },
      /change\.actions \["explode"\] is not a list/,
    ],
    [
      'an impossible combination',
      { resource_changes: [rc(['update', 'delete'])] },
      /is not a combination terraform plans/,
    ],
  ])('%s: PLAN_CHANGES_INVALID, never a silent undercount', (_name, plan, message) => {
    expect(() => countPlanChanges(plan)).toThrow(message);
    expect(() => countPlanChanges(plan)).toThrow(
      expect.objectContaining({ code: ContractsErrorCode.PLAN_CHANGES_INVALID }),
    );
  });
});
