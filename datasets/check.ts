// `npx tsx datasets/check.ts datasets/<name>`: prints a dataset's counts and every problem in it.
import { checkDataset } from './check-dataset';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npx tsx datasets/check.ts datasets/<name>');
  process.exit(2);
}
try {
  const { problems, summary } = checkDataset(dir);
  console.log(summary);
  if (problems.length > 0) {
    console.error(`${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('ok');
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
