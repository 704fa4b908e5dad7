/**
 * The demo product catalog the demo recommenders retrieve from: 300 products built from fixed word
 * lists, so ids, names and embeddings are the same on every run.
 */
import { createHash } from 'node:crypto';

export interface Product { id: string; name: string; category: string; price: number }

const CATEGORIES = ['Outdoor', 'Kitchen', 'Books', 'Garden', 'Toys', 'Audio'] as const;
const ADJECTIVES = ['Compact', 'Classic', 'Deluxe', 'Eco', 'Smart', 'Vintage', 'Pro', 'Travel', 'Family', 'Mini'];
const NOUNS: Record<(typeof CATEGORIES)[number], string[]> = {
  Outdoor: ['Tent', 'Backpack', 'Lantern', 'Hammock', 'Stove'],
  Kitchen: ['Kettle', 'Skillet', 'Blender', 'Knife Set', 'Teapot'],
  Books: ['Cookbook', 'Atlas', 'Novel', 'Field Guide', 'Anthology'],
  Garden: ['Planter', 'Trowel', 'Hose', 'Seed Kit', 'Bird Feeder'],
  Toys: ['Puzzle', 'Kite', 'Robot', 'Board Game', 'Building Set'],
  Audio: ['Headphones', 'Speaker', 'Turntable', 'Radio', 'Earbuds'],
};

function buildCatalog(): Product[] {
  const out: Product[] = [];
  for (const category of CATEGORIES) {
    for (const noun of NOUNS[category]) {
      for (const adjective of ADJECTIVES) {
        const id = `P${String(out.length + 1).padStart(5, '0')}`;
        const cents = createHash('sha256').update(id).digest().readUInt16BE(0) % 20000;
        out.push({ id, name: `${adjective} ${noun}`, category, price: 5 + cents / 100 });
      }
    }
  }
  return out;
}

export const CATALOG: readonly Product[] = buildCatalog();
export const CATEGORY_NAMES: readonly string[] = CATEGORIES;
