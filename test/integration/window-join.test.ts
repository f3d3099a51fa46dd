// Window joins and co-groups (Flink's JoinedStreams/CoGroupedStreams) on the real runtime.
import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, Time, TumblingEventTimeWindows, WatermarkStrategy } from 'sluice';

interface Order {
  id: string;
  user: string;
  at: number;
}
interface Click {
  user: string;
  page: string;
  at: number;
}

const orders: Order[] = [
  { id: 'o1', user: 'ann', at: 1_000 },
  { id: 'o2', user: 'bob', at: 1_500 },
  { id: 'o3', user: 'ann', at: 12_000 },
  { id: 'o4', user: 'cat', at: 13_000 },
];
const clicks: Click[] = [
  { user: 'ann', page: 'home', at: 500 },
  { user: 'ann', page: 'cart', at: 9_999 },
  { user: 'bob', page: 'home', at: 10_000 },
  { user: 'ann', page: 'pay', at: 11_000 },
  { user: 'cat', page: 'home', at: 19_999 },
];

function streams(env: StreamExecutionEnvironment) {
  const o = env.fromCollection(orders).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Order>().withTimestampAssigner((x) => x.at));
  const c = env.fromCollection(clicks).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((x) => x.at));
  return { o, c };
}

/** The reference: pairs with the same user in the same 10 s window. */
function expectedJoin(): string[] {
  const out: string[] = [];
  for (const a of orders) for (const b of clicks) if (a.user === b.user && Math.floor(a.at / 10_000) === Math.floor(b.at / 10_000)) out.push(`${a.id}:${b.page}`);
  return out.sort();
}

describe('window join and coGroup', () => {
  it('joins pairs with equal keys in the same window (inner join)', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const { o, c } = streams(env);
    const joined = await o
      .join(c)
      .where((x) => x.user)
      .equalTo((x) => x.user)
      .window(TumblingEventTimeWindows.of(Time.seconds(10)))
      .apply((a, b) => `${a.id}:${b.page}`)
      .executeAndCollect(100);
    expect(joined.sort()).toEqual(expectedJoin());
  });

  it('co-groups both sides of each key and window, including keys with one side only', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const { o, c } = streams(env);
    const groups = await o
      .coGroup(c)
      .where((x) => x.user)
      .equalTo((x) => x.user)
      .window(TumblingEventTimeWindows.of(Time.seconds(10)))
      .apply((os: Iterable<Order>, cs: Iterable<Click>, out: { collect(v: string): void }) => {
        const a = [...os];
        const b = [...cs];
        out.collect(`${(a[0] ?? b[0])!.user}:${a.length}/${b.length}`);
      })
      .executeAndCollect(100);
    expect(groups.sort()).toEqual(['ann:1/1', 'ann:1/2', 'bob:1/0', 'bob:0/1', 'cat:1/1'].sort());
  });
});
