/**
 * Review text by sentiment: 4–5 stars read positive, 3 mixed, 1–2 negative. A body is one to three sentences
 * drawn from a group; `{thing}` becomes the category's word for the product ("phone", "kurta").
 */

export type Sentiment = 'positive' | 'mixed' | 'negative';

export function sentimentOf(rating: number): Sentiment {
  return rating >= 4 ? 'positive' : rating === 3 ? 'mixed' : 'negative';
}

export const REVIEW_TITLES: Record<Sentiment, string[]> = {
  positive: [
    'Value for money', 'Excellent product', 'Highly recommended', 'Just loved it!', 'Worth every penny',
    'Great purchase', 'Superb quality', 'Best in this range', 'Very good', 'Fabulous!', 'Brilliant',
    'Simply awesome', 'Must buy', 'Totally satisfied',
  ],
  mixed: [
    'Decent product', 'Good but could be better', 'Average', 'Okay for the price', 'Nice, with a few issues',
    'Not bad', 'Fair enough', 'Mixed feelings',
  ],
  negative: [
    'Disappointed', 'Not worth the money', 'Poor quality', 'Waste of money', 'Stopped working',
    'Very bad experience', 'Do not buy', 'Not as described', 'Returned it',
  ],
};

export const REVIEW_SENTENCES: Record<Sentiment, string[]> = {
  positive: [
    'The {thing} works exactly as described.',
    'Build quality is much better than I expected at this price.',
    'Using it daily for a month now and no complaints.',
    'Delivery was quick and the packaging was neat.',
    'My whole family likes the {thing}.',
    'Bought it during the sale and it was a steal.',
    'Looks premium and feels sturdy.',
    'Totally worth the money, go for it.',
    'Second one I have bought, gifted the first to my brother.',
    'Matches the pictures perfectly.',
    'Performance is smooth with no issues so far.',
    'Seller was responsive and helpful.',
  ],
  mixed: [
    'The {thing} is decent for the price but nothing special.',
    'Quality is okay, though the finish could be better.',
    'Delivery took longer than promised.',
    'Works fine, but the instructions were confusing.',
    'Good product, slightly overpriced in my opinion.',
    'Some features are great, others feel half-baked.',
    'It does the job for now, let us see how long it lasts.',
    'Colour is a little different from the photos.',
  ],
  negative: [
    'The {thing} stopped working within two weeks.',
    'Quality is very poor, not as shown in the pictures.',
    'Received a damaged piece and the return took ages.',
    'Customer support did not respond to my complaint.',
    'Feels cheap and flimsy.',
    'Size and fit were completely off.',
    'Not worth the money at all.',
    'Looks like a used product was delivered.',
    'The packaging was torn and the seal was broken.',
  ],
};
