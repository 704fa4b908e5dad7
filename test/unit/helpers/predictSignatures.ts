import type { Signature } from '../../../src/serving/savedModel/types';

/** The emulator's demo recommender signature (test/emulator/demo/models.ts). */
export const demoSignature: Signature = {
  methodName: 'tensorflow/serving/predict',
  inputs: {
    customer_id: { name: 'serving_default_customer_id:0', dtype: 'DT_STRING', shape: [-1] },
    city: { name: 'serving_default_city:0', dtype: 'DT_STRING', shape: [-1] },
    revenue: { name: 'serving_default_revenue:0', dtype: 'DT_FLOAT', shape: [-1] },
  },
  outputs: {
    product_ids: { name: 'StatefulPartitionedCall:0', dtype: 'DT_STRING', shape: [-1, 10] },
    scores: { name: 'StatefulPartitionedCall:1', dtype: 'DT_FLOAT', shape: [-1, 10] },
  },
};
