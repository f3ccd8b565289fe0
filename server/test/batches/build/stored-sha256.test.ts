import { describe, expect, it } from 'vitest';
import { testDatabases } from '../../helpers/databases';
import { suiteDatabase } from '../../helpers/suite-database';
import { buildFixedBatches } from '../../helpers/fixed-batches';

/**
 * The bytes of three batches built over a fixed, seeded history (helpers/fixed-batches.ts). A change
 * that alters any byte of any file fails here: update these values only together with a format or
 * redaction change that says so (the spec's `redaction` version, the manifest's `format`).
 *
 * Last changed with format aitl-batch/2: every manifest (drift metrics gained their denominators,
 * distinct-2 is measured over 100-reply windows, with their count and standard error); sft.jsonl and sources.jsonl of batches 2 and 3,
 * where the synthetic cap binds and now keeps synthetic rows spread over the human replies'
 * lengths (length-matching.ts) instead of by hash rank alone. No other file changed. Then with
 * redaction aitl-2 (versions are not IPs, spelled-out emails, secrets after their name): the three
 * manifests only, which name the redaction version; no row of this fixed history changed. Then
 * with format aitl-batch/3: the three manifests only (drift metrics gain `replyChars`, the human
 * and synthetic SFT reply lengths the guard's length-gap warning compares); no data file changed.
 * Then with format aitl-batch/4: the three manifests (the human replies' and the model's own distinct-2, the
 * model's adopted reply lengths before the cap), and sft.jsonl and sources.jsonl of batch 2, whose
 * binding cap now leans against the lengths the model over-writes (length-matching.ts,
 * COUNTER_LEAN); batch 3's cap keeps the same rows as before.
 */
const STORED: Record<string, Record<string, string>> = {
  'batch 1': {
    'sft.jsonl': '14c319dd1b8ff09c074b589286bbc1b7f13235b34829994c5d87f60c27a616e4',
    'dpo.jsonl': 'f63b5df720a3e0328920371f2343880a7d2566ef2eba4e8560c115a812c968d5',
    'kto.jsonl': '3a141a11a36de424ad8e66bbfc5d421192dbf3276b61234bac3bf71fad998148',
    'retrieval_triplets.jsonl': '98e52ae66b105acfde9d8284509ca30cdc0d0363598adde20111b12167beebd0',
    'rerank_pairs.jsonl': 'd52a75843acda40ccbc02e294dd5d901eb64c17a3369e3a722280fc3a7bd88a4',
    'knowledge_gaps.jsonl': '97a93e6250acd827f8aed76eba4dfa680d19bb60afbe67f58c98d65479065fcc',
    'eval.jsonl': '5ca460e20d5bf3304434e7bf85b11e671befd2cacb18826e9e2690b08dcbbeca',
    'sources.jsonl': '8af63c30692ff6f5d162ca919e96f1ca1ed6e4a093237109a6775766d988665c',
    'manifest.json': '0f1e671f440e0e858cc07116f62ec18383dfae166a0144616509092530a8cbd6',
  },
  'batch 2': {
    'sft.jsonl': '5d9b4ae294b1f561b1092b6f3b413052daf535fb20ca13102e5e5ffe0d1124a5',
    'dpo.jsonl': '6e188b45e57db41574369b5eda76fc0c27e4ccabbf4853d3fa94c3b1cdbb843e',
    'kto.jsonl': '49ad31b9dd45e60996efc0424291254f4eaf440ba3e063e36f985217958e25f4',
    'retrieval_triplets.jsonl': '04b97f0130f31b2024930bc754a6b82e6653d6994d07f72d1f9e89f180a9e0a3',
    'rerank_pairs.jsonl': 'ffc3ef153606bfc04de51f4c187fe9a5059c6478b9d94b0fddd5bceb7bf30623',
    'knowledge_gaps.jsonl': '310ea5a967331096edf212ebd454a69215fa31ec7cf8c66d4bc9e9a0fea4ebb1',
    'eval.jsonl': 'a03ef859903579376fc703cae8ee799d300333a14b01975a32901b14e06a28f8',
    'sources.jsonl': '0d4c79622def4c1c8a91666460929974c86fcc9feb5cd033023b9b3ccf4f19a6',
    'manifest.json': 'd6532d3c65ceef212bdfe3a2ade498f716e499c27c30c7f7a301309a3dd535d1',
  },
  'batch 3': {
    'sft.jsonl': '646b38a661480712c38bbaefe797ef2e8c44dac884d4ac1e3a22c6010f470161',
    'dpo.jsonl': '640036700148e4de7b249c017c504e36b38c84c29f62f772ecd2b00384b2384f',
    'kto.jsonl': 'd9da3c037786676e9cdb065910f46e9c67abec7bed553c24212c6ec1125a5ab7',
    'retrieval_triplets.jsonl': '95e3c9045d8c2a706903441390b40c01095b6935793e249d06d0ebb444137b91',
    'rerank_pairs.jsonl': '63a347d544a41d41840ad66b1d4812ee0662e8a6863c590491b9d8bfbc2fdc1c',
    'knowledge_gaps.jsonl': 'f6d583430ca7b1507ffa532fffc4b78c7c19c154cf404075c9028c2f0046c4a7',
    'eval.jsonl': 'b0f2a607d6de5cf1ec8c02ea3d408fdcca2ee5eaf95bb52845e46874721bf286',
    'sources.jsonl': 'b66ab19a55cc602aee4968f398df8590f0e55b4c957225f683bb79ee0f617081',
    'manifest.json': 'b967898e7514d442433f76c121d163d9dd694143ff1e680e1784b400ca864760',
  },
};

describe.each(testDatabases())('batch bytes over fixed data on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  it('builds files whose sha256 match the stored ones', async () => {
    const built = await buildFixedBatches(suite.db);
    expect(built).toEqual(STORED);
  }, 120_000);
});
