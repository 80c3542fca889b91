/** Names and places for seeded users and sellers. ASCII spellings, so emails built from them stay plain. */

/** Seller cities with rough weights: the big metros host most sellers. */
export const CITIES: Array<[city: string, weight: number]> = [
  ['Mumbai', 12], ['Delhi', 12], ['Bengaluru', 10], ['Hyderabad', 7], ['Chennai', 7], ['Kolkata', 6],
  ['Pune', 6], ['Ahmedabad', 5], ['Jaipur', 4], ['Lucknow', 3], ['Surat', 4], ['Indore', 3], ['Kochi', 3],
  ['Noida', 4], ['Gurugram', 4], ['Chandigarh', 2], ['Coimbatore', 2], ['Nagpur', 2], ['Bhopal', 2],
  ['Ludhiana', 2], ['Visakhapatnam', 2], ['Patna', 1], ['Guwahati', 1], ['Vadodara', 2], ['Tiruppur', 1],
];

/** Family-business style: "Shree Ganesh" + "Traders". */
export const SELLER_PREFIXES = [
  'Shree Ganesh', 'Sai', 'Balaji', 'Laxmi', 'Krishna', 'Om Sai', 'Jai Ambe', 'New India', 'Royal', 'Metro',
  'Mahalaxmi', 'Shiv Shakti', 'Sri Venkateswara', 'Annapurna', 'Guru Nanak', 'Bharat', 'Siddhi Vinayak',
  'National', 'Star', 'Patel', 'Agarwal', 'Jain', 'Kumar', 'Gupta', 'Reddy', 'Iyer', 'Khanna', 'Modern',
];
export const SELLER_SUFFIXES = [
  'Traders', 'Enterprises', 'Retail', 'Mart', 'Stores', 'Distributors', 'Emporium', 'Agencies', 'Sales',
  'Collections', 'Brothers', '& Sons', 'Trading Co.', 'Fashions', 'Electronics',
];
/** Marketplace-era names. */
export const SELLER_BRANDS = [
  'RetailNet', 'ShopNest India', 'BazaarHub', 'NetMart Retail', 'TrueValue Commerce', 'Kart Express',
  'DesiDeals', 'UrbanCart', 'PrimeKart Retail', 'Apna Bazaar Online', 'QuickShip India', 'CloudCart Retail',
  'ValueLane', 'Zippy Retail', 'Everyday Essentials', 'MegaMart Online',
];

export const FIRST_NAMES = [
  'Aarav', 'Vivaan', 'Aditya', 'Vihaan', 'Arjun', 'Sai', 'Reyansh', 'Ayaan', 'Krishna', 'Ishaan', 'Rohan',
  'Kabir', 'Rahul', 'Amit', 'Vikram', 'Karthik', 'Siddharth', 'Aniket', 'Manish', 'Suresh', 'Rajesh', 'Harsh',
  'Nikhil', 'Pranav', 'Yash', 'Varun', 'Arnav', 'Dhruv', 'Gaurav', 'Deepak', 'Saanvi', 'Aanya', 'Aadhya',
  'Ananya', 'Diya', 'Pari', 'Anika', 'Navya', 'Myra', 'Sara', 'Priya', 'Neha', 'Pooja', 'Sneha', 'Kavya',
  'Divya', 'Meera', 'Riya', 'Shreya', 'Isha', 'Nisha', 'Lakshmi', 'Anjali', 'Swati', 'Tanvi', 'Aishwarya',
  'Fatima', 'Zoya', 'Imran', 'Farhan', 'Simran', 'Harpreet', 'Gurpreet', 'Joseph', 'Mary', 'Thomas',
];
export const LAST_NAMES = [
  'Sharma', 'Verma', 'Gupta', 'Singh', 'Kumar', 'Patel', 'Shah', 'Mehta', 'Iyer', 'Iyengar', 'Nair', 'Menon',
  'Pillai', 'Reddy', 'Rao', 'Naidu', 'Chowdhury', 'Banerjee', 'Chatterjee', 'Mukherjee', 'Das', 'Bose', 'Ghosh',
  'Joshi', 'Kulkarni', 'Deshpande', 'Patil', 'Jadhav', 'Agarwal', 'Jain', 'Bansal', 'Malhotra', 'Kapoor',
  'Khanna', 'Chopra', 'Bhatia', 'Sethi', 'Gill', 'Sandhu', 'Khan', 'Ansari', 'Qureshi', 'Fernandes', 'DSouza',
  'Thomas', 'Mathew', 'Krishnan', 'Subramanian', 'Hegde', 'Shetty', 'Saxena', 'Tiwari', 'Mishra', 'Pandey',
];
