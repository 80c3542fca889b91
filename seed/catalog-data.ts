/**
 * The vocabulary of the demo catalog: an Indian-market store with the departments, brands and price levels a
 * shopper there would expect. Products are built by combining these words (see generate.ts), so the lists only
 * need to be long enough that neighbouring products rarely look alike.
 *
 * Brands may carry model series, `Brand:Series A,Series B`; `{a|b}` in a series is a choice, so model numbers stay
 * ones the brand really uses (`Rockerz {255|450}` → `Rockerz 450`). A title reads `Brand Series Item (Variant)`.
 */

export interface CategoryData {
  name: string;
  slug: string;
  /** Relative share of the catalog. */
  weight: number;
  /** MRP band in whole rupees. */
  mrp: [min: number, max: number];
  /** What a reviewer calls it ("the {thing} stopped working"). */
  thing: string;
  brands: string[];
  items: string[];
  variants: string[];
  features: string[];
}

export const CATEGORIES: CategoryData[] = [
  { name: 'Mobiles', slug: 'mobiles', weight: 8, mrp: [6999, 149999], thing: 'phone',
    brands: ['Samsung:Galaxy M{14|15|35|55},Galaxy A{15|16|35|55},Galaxy S{23|24} FE', 'Xiaomi:Redmi Note {13|14},Redmi {13|14}C', 'Realme:Narzo {70|80} Pro,{12|13} Pro', 'OnePlus:Nord CE{3|4} Lite,Nord {3|4},{12|13}R', 'Apple:iPhone {14|15|16}', 'Vivo:T{3|4} Pro,Y{28|58}', 'Oppo:Reno{11|12|13},A{3|5|79}', 'Motorola:Moto G{45|64|85},Edge {50|60}', 'iQOO:Z{9|10} Lite,Neo {9|10}', 'Lava:Agni {2|3},Blaze {Curve|Pro},Storm'],
    items: ['5G Smartphone', '5G Smartphone with AI Camera', '4G Smartphone', 'Dual SIM 5G Mobile Phone'],
    variants: ['Midnight Black, 8GB RAM, 128GB Storage', 'Ocean Blue, 6GB RAM, 128GB Storage', 'Mint Green, 8GB RAM, 256GB Storage', 'Titanium Grey, 12GB RAM, 256GB Storage', 'Lavender, 4GB RAM, 64GB Storage'],
    features: ['a 120Hz AMOLED display', 'a 50MP rear camera', 'a 5000mAh battery with fast charging', 'an octa-core processor', 'an in-display fingerprint sensor', 'dual stereo speakers'] },
  { name: 'Laptops', slug: 'laptops', weight: 4, mrp: [24999, 199999], thing: 'laptop',
    brands: ['Lenovo:IdeaPad Slim {3|5},ThinkPad E{14|16},LOQ {15|16}', 'HP:Pavilion {14|15},Victus {15|16},15s', 'Dell:Inspiron {3520|5440|7440},Vostro {3420|3530}', 'Asus:Vivobook {15|16},TUF Gaming F{15|17}', 'Acer:Aspire {3|5|7},Nitro V {15|16}', 'Apple:MacBook Air M{2|3}', 'MSI:Modern {14|15}', 'Samsung:Galaxy Book{3|4}'],
    items: ['Intel Core i5 13th Gen Thin and Light Laptop', 'AMD Ryzen 7 Gaming Laptop', 'Intel Core i3 Laptop', 'Intel Core Ultra 5 Business Laptop', 'AMD Ryzen 5 Laptop'],
    variants: ['16GB RAM, 512GB SSD, Windows 11', '8GB RAM, 512GB SSD, Windows 11', '16GB RAM, 1TB SSD, Natural Silver', '8GB RAM, 256GB SSD, Arctic Grey'],
    features: ['a full HD anti-glare display', 'a backlit keyboard', 'up to 10 hours of battery life', 'a fast NVMe SSD', 'Wi-Fi 6 and a 1080p webcam', 'MS Office Home and Student preinstalled'] },
  { name: 'Televisions', slug: 'televisions', weight: 3, mrp: [9999, 189999], thing: 'TV',
    brands: ['Samsung:Crystal {4K|4K Vivid},Neo QLED', 'LG:UR{75|80},OLED C{3|4}', 'Sony:Bravia {2|3|X75L}', 'Xiaomi:X Pro,A Series', 'TCL:P{6|7}55,C{6|7}55', 'Hisense:A{6|7}N,E{6|7}K', 'OnePlus:Y{1|1S} Pro', 'Vu:GloLED,Masterpiece'],
    items: ['108 cm (43 inch) 4K Ultra HD Smart LED TV', '80 cm (32 inch) HD Ready Smart LED TV', '139 cm (55 inch) 4K QLED Google TV', '164 cm (65 inch) 4K OLED Smart TV'],
    variants: ['Black', 'Titan Gray', '2024 Model', 'Frameless Black'],
    features: ['Dolby Vision and Dolby Atmos', 'built-in Chromecast', 'a 60W speaker system', 'three HDMI ports', 'Netflix, Prime Video and JioCinema apps', 'a voice remote'] },
  { name: 'Headphones', slug: 'headphones', weight: 7, mrp: [499, 29999], thing: 'headphones',
    brands: ['boAt:Rockerz {255|450|550},Airdopes {141|161|311},Nirvana {751|Ion}', 'Noise:Buds VS{102|104},Airwave', 'JBL:Tune {510|520|760}BT,Wave {200|300}', 'Sony:WH-CH{520|720}N,WF-C{500|700}N', 'Boult:Audio Z{20|40},Q', 'OnePlus:Buds {3|Pro 2},Bullets Z{2|3}', 'Sennheiser:HD {450|458}BT,Momentum {3|4}', 'Apple:AirPods {Pro 2|4}'],
    items: ['Bluetooth On-Ear Headphones', 'Wireless Over-Ear Headphones', 'True Wireless Earbuds', 'Bluetooth In-Ear Neckband', 'Wired Earphones with Mic', 'Active Noise Cancelling Headphones'],
    variants: ['Luscious Black', 'Active Black', 'Ocean Blue', 'Cherry Red', 'Pearl White', 'Teal Green'],
    features: ['up to 40 hours of playback', 'deep bass drivers', 'ENx noise cancellation on calls', 'low-latency gaming mode', 'fast charging over USB-C', 'IPX5 sweat resistance'] },
  { name: "Men's Clothing", slug: 'mens-clothing', weight: 9, mrp: [299, 4999], thing: 'shirt',
    brands: ['Allen Solly', 'Peter England', 'Van Heusen', 'Louis Philippe', 'Raymond', "Levi's", 'U.S. Polo Assn.', 'Jack & Jones', 'Roadster', 'FabIndia', 'Manyavar'],
    items: ["Men's Slim Fit Cotton Formal Shirt", "Men's Regular Fit Casual Shirt", "Men's Solid Polo T-Shirt", "Men's Slim Fit Chinos", "Men's Straight Fit Jeans", "Men's Cotton Kurta", "Men's Checked Linen Shirt"],
    variants: ['Navy Blue, 40', 'White, 42', 'Olive, M', 'Black, L', 'Sky Blue, 38', 'Maroon, XL'],
    features: ['breathable cotton fabric', 'a tailored fit', 'colour-fast dyes', 'reinforced stitching', 'a wrinkle-resistant finish', 'machine-washable fabric'] },
  { name: "Women's Clothing", slug: 'womens-clothing', weight: 10, mrp: [349, 7999], thing: 'kurta',
    brands: ['Biba', 'W', 'FabIndia', 'Aurelia', 'Global Desi', 'Libas', 'Only', 'Vero Moda', 'Max', 'Soch'],
    items: ["Women's Printed Cotton Kurta", "Women's Embroidered Kurta Set with Dupatta", 'Banarasi Silk Saree with Blouse Piece', "Women's Floral Rayon Maxi Dress", "Women's A-Line Top", "Women's Straight Palazzo Pants", "Women's Anarkali Gown"],
    variants: ['Mustard Yellow, M', 'Indigo, L', 'Pink, S', 'Bottle Green, XL', 'Off White, M', 'Red, Free Size'],
    features: ['soft breathable fabric', 'hand-block prints', 'a flattering flared cut', 'fine thread embroidery', 'side pockets', 'a comfortable elasticated waist'] },
  { name: 'Footwear', slug: 'footwear', weight: 7, mrp: [299, 12999], thing: 'shoes',
    brands: ['Bata', 'Liberty', 'Campus', 'Red Tape', 'Sparx', 'Relaxo', 'Woodland', 'Puma', 'Adidas', 'Nike', 'Metro', "Khadim's"],
    items: ["Men's Running Shoes", "Women's Casual Sneakers", "Men's Leather Formal Shoes", 'Unisex Walking Shoes', "Women's Ethnic Juttis", "Men's Sports Sandals", 'Slip-On Loafers'],
    variants: ['Black, UK 8', 'White, UK 7', 'Navy, UK 9', 'Tan, UK 6', 'Grey, UK 10'],
    features: ['a cushioned memory-foam insole', 'an anti-skid rubber sole', 'a breathable mesh upper', 'genuine leather', 'a lightweight build', 'a padded collar'] },
  { name: 'Kitchen Appliances', slug: 'kitchen-appliances', weight: 6, mrp: [799, 34999], thing: 'appliance',
    brands: ['Prestige', 'Pigeon', 'Bajaj', 'Philips', 'Butterfly', 'Preethi', 'Havells', 'Morphy Richards', 'Usha', 'Borosil', 'Kent', 'Sujata'],
    items: ['750 Watt Mixer Grinder with 3 Jars', '2000 Watt Induction Cooktop', '1.5 Litre Electric Kettle', '4.2 Litre Digital Air Fryer', '5 Litre Stainless Steel Pressure Cooker', 'RO+UV Water Purifier', '28 Litre OTG Oven', 'Juicer Mixer Grinder'],
    variants: ['Black', 'White', 'Silver', 'Red', 'Steel Finish'],
    features: ['overload protection', 'stainless steel jars', 'auto shut-off', 'ISI-certified safety valves', 'a two-year warranty', 'easy-clean surfaces'] },
  { name: 'Home Furnishing', slug: 'home-furnishing', weight: 6, mrp: [299, 9999], thing: 'bedsheet',
    brands: ['Bombay Dyeing', 'Spaces', 'Raymond Home', "D'Decor", 'Portico New York', 'Home Centre', 'Story@Home', 'Trident'],
    items: ['100% Cotton Double Bedsheet with 2 Pillow Covers', 'Blackout Door Curtains (Set of 2)', 'Microfibre Reversible AC Comforter', 'Cotton Bath Towel Set', 'Jute Handwoven Floor Rug', 'Velvet Cushion Covers (Set of 5)', 'Memory Foam Pillow'],
    variants: ['Floral Blue', 'Geometric Grey', 'Ivory', 'Maroon Paisley', 'King Size', 'Queen Size'],
    features: ['a 210 thread count weave', 'fade-resistant colours', 'a soft brushed finish', 'eyelet rings', 'quick-dry fibres', 'hypoallergenic filling'] },
  { name: 'Books', slug: 'books', weight: 8, mrp: [99, 1999], thing: 'book',
    brands: ['Penguin Random House', 'HarperCollins India', 'Rupa Publications', 'Arihant', 'Westland', 'Scholastic India', 'Jaico', 'Disha Publication', 'S. Chand'],
    items: ['JEE Main Physics Chapterwise Solved Papers', 'UPSC Indian Polity Guide', 'Collected Short Stories', 'Modern Indian History', 'The Art of Indian Cooking', 'Mythology Retold', "Children's Illustrated Panchatantra Tales", 'Quantitative Aptitude for Competitive Exams', 'Personal Finance Made Simple'],
    variants: ['Paperback', 'Hardcover', 'Paperback, 2024 Edition', 'English', 'Hindi'],
    features: ['clear explanations', 'solved examples', 'good quality paper', 'colour illustrations', 'an index and glossary', 'practice questions'] },
  { name: 'Beauty', slug: 'beauty', weight: 8, mrp: [99, 3999], thing: 'product',
    brands: ['Lakmé', 'Himalaya', 'Mamaearth', 'Maybelline New York', 'Nivea', 'Biotique', 'Forest Essentials', 'Plum', 'Sugar', 'Lotus Herbals', 'The Derma Co'],
    items: ['Vitamin C Face Serum', 'Purifying Neem Face Wash', 'Matte Liquid Lipstick', 'SPF 50 Sunscreen Gel', 'Kajal Eyeliner', 'Onion Hair Oil', 'Moisturising Body Lotion', 'Ubtan Face Pack'],
    variants: ['30 ml', '100 ml', '150 g', '200 ml', 'Red Velvet, 4.5 ml', 'Pack of 2'],
    features: ['a paraben-free formula', 'natural extracts', 'a non-greasy texture', 'dermatologically tested ingredients', 'long-lasting wear', 'a light fragrance'] },
  { name: 'Grocery', slug: 'grocery', weight: 7, mrp: [49, 1999], thing: 'pack',
    brands: ['Tata Sampann', 'Amul', 'Aashirvaad', 'Fortune', 'Daawat', 'India Gate', 'MDH', 'Everest', 'Tata Tea', 'Brooke Bond', "Haldiram's", 'Saffola', 'Patanjali'],
    items: ['Unpolished Toor Dal', 'Pure Ghee', 'Shudh Chakki Atta', 'Basmati Rice', 'Garam Masala', 'Premium Assam Tea', 'Cold Pressed Mustard Oil', 'Bhujia Sev', 'Rolled Oats'],
    variants: ['1 kg', '500 g', '5 kg', '1 L', '100 g', 'Pack of 3'],
    features: ['rich aroma', 'no added preservatives', 'hygienic packing', 'FSSAI-certified processing', 'a resealable pouch', 'farm-sourced ingredients'] },
  { name: 'Toys', slug: 'toys', weight: 5, mrp: [149, 7999], thing: 'toy',
    brands: ['Funskool', 'Hot Wheels', 'LEGO', 'Mattel', 'Hasbro', 'Fisher-Price', 'Skillmatics', 'Webby', 'Nerf', 'Mirana'],
    items: ['Building Blocks Set', 'Die-Cast Car Collection', 'Remote Control Racing Car', 'Educational Board Game', 'Soft Plush Teddy Bear', 'Wooden Jigsaw Puzzle', 'Doll House Playset', 'Foam Dart Blaster'],
    variants: ['Multicolour, 3+ Years', 'Pack of 5', '6+ Years', 'Red', '100 Pieces', '8+ Years'],
    features: ['non-toxic materials', 'rounded child-safe edges', 'bright colours', 'rechargeable batteries', 'a sturdy storage box', 'skill-building play'] },
  { name: 'Sports & Fitness', slug: 'sports-fitness', weight: 5, mrp: [199, 24999], thing: 'gear',
    brands: ['Nivia', 'Cosco', 'SG', 'SS', 'Yonex', 'Boldfit', 'Lifelong', 'Strauss', 'Vector X', 'Adidas', 'Puma'],
    items: ['Yoga Mat with Carry Strap', 'English Willow Cricket Bat', 'Badminton Racket', 'Adjustable Dumbbell Set', 'Size 5 Football', 'Skipping Rope', 'Motorised Treadmill for Home', 'Gym Gloves'],
    variants: ['Blue', 'Black', 'Short Handle', '6 mm', '10 kg', 'Full Size', 'Green'],
    features: ['an anti-slip grip', 'durable construction', 'a lightweight frame', 'sweat-resistant material', 'a carry bag', 'professional-grade build'] },
  { name: 'Watches', slug: 'watches', weight: 5, mrp: [499, 49999], thing: 'watch',
    brands: ['Titan:Neo,Raga,Edge', 'Fastrack:Reflex {3.0|Play}', 'Casio:Vintage A{158|168},G-Shock GA-{2100|110}', 'Noise:ColorFit Pro {5|6}', 'boAt:Wave {Call|Sigma|Lite}', 'Fire-Boltt:Ninja {Call Pro|3}', 'Fossil:Gen {6|7}', 'Sonata', 'Timex'],
    items: ['Analog Watch for Men', 'Analog Watch for Women', 'Smartwatch with 1.85" Display', 'Bluetooth Calling Smartwatch', 'Digital Sports Watch', 'Chronograph Watch for Men'],
    variants: ['Black Dial, Leather Strap', 'Silver Dial, Steel Strap', 'Jet Black', 'Rose Gold', 'Blue Dial, Silicone Strap'],
    features: ['water resistance to 50 m', 'a scratch-resistant glass', 'heart-rate and SpO2 tracking', 'seven-day battery life', 'a stainless steel case', 'a quick-release strap'] },
  { name: 'Cameras', slug: 'cameras', weight: 2, mrp: [2999, 249999], thing: 'camera',
    brands: ['Canon:EOS {1500D|200D II|R50|R10}', 'Nikon:Z{30|50|fc},D{7500|5600}', 'Sony:Alpha ZV-E{10|10 II},Alpha {6400|7 IV}', 'Fujifilm:Instax Mini {12|99},X-T{30|50}', 'GoPro:Hero {12|13}', 'DJI:Osmo Action {4|5 Pro}', 'Panasonic:Lumix G{7|85}'],
    items: ['24.1MP DSLR Camera with 18-55mm Lens', 'Mirrorless Camera Body', '4K Action Camera', 'Instant Camera', 'Vlogging Camera Kit', 'Mirrorless Camera with Kit Lens'],
    variants: ['Black', 'White', 'Standard Kit', 'Creator Combo', 'Pastel Blue'],
    features: ['4K video recording', 'fast autofocus', 'in-body stabilisation', 'Wi-Fi and Bluetooth transfer', 'a flip-out screen', 'weather sealing'] },
  { name: 'Furniture', slug: 'furniture', weight: 3, mrp: [1499, 89999], thing: 'furniture',
    brands: ['Nilkamal', 'Godrej Interio', 'Wakefit', 'Sleepwell', 'Durian', 'Urban Ladder', 'Home Centre', 'Green Soul', '@home'],
    items: ['Engineered Wood Study Table', 'Sheesham Wood 3 Seater Sofa', 'Ergonomic Office Chair', 'Queen Size Bed with Storage', '4 Door Wardrobe', 'Plastic Dining Chairs (Set of 4)', 'Orthopaedic Memory Foam Mattress', 'Bookshelf with 5 Shelves'],
    variants: ['Walnut Finish', 'Honey Oak', 'Black', 'Teak Finish', 'Grey Fabric', 'DIY Assembly'],
    features: ['termite-resistant wood', 'free installation', 'a 5-year warranty', 'high-density foam', 'ample storage space', 'a scratch-resistant laminate'] },
  { name: 'Bags & Luggage', slug: 'bags-luggage', weight: 4, mrp: [399, 19999], thing: 'bag',
    brands: ['American Tourister', 'Safari', 'VIP', 'Skybags', 'Wildcraft', 'Aristocrat', 'Samsonite', 'Mokobara', 'F Gear', 'Lavie'],
    items: ['Polycarbonate Cabin Trolley Bag (55 cm)', 'Large Check-In Suitcase (75 cm)', '32 L Laptop Backpack', 'Trekking Rucksack (45 L)', "Women's Tote Handbag", 'Duffle Travel Bag', 'Leather Wallet for Men'],
    variants: ['Navy Blue', 'Black', 'Teal', 'Grey', 'Maroon', 'Set of 3'],
    features: ['a TSA-approved lock', 'smooth 360° spinner wheels', 'water-repellent fabric', 'a padded laptop sleeve', 'lockable zippers', 'lightweight hard shell'] },
  { name: 'Jewellery', slug: 'jewellery', weight: 4, mrp: [299, 149999], thing: 'piece',
    brands: ['Tanishq', 'Malabar Gold', 'CaratLane', 'Kalyan Jewellers', 'Voylla', 'Zaveri Pearls', 'GIVA', 'Joyalukkas', 'Sukkhi'],
    items: ['Gold Plated Jhumka Earrings', 'Sterling Silver Pendant with Chain', '22K Gold Bangle', 'Kundan Necklace Set', 'Oxidised Silver Anklets (Pair)', 'Diamond Stud Earrings', 'Temple Jewellery Choker Set', 'Rose Gold Plated Bracelet'],
    variants: ['Gold', 'Silver', 'Rose Gold', 'Free Size', 'Size 2.6', 'Pack of 2'],
    features: ['BIS hallmarked gold', 'hypoallergenic plating', 'a certificate of authenticity', 'intricate handcrafted detail', 'a gift box', 'anti-tarnish coating'] },
  { name: 'Baby Care', slug: 'baby-care', weight: 4, mrp: [99, 4999], thing: 'product',
    brands: ['Pampers', 'Huggies', 'Himalaya', "Johnson's Baby", 'MamyPoko', 'Mee Mee', 'Chicco', 'Mothercare', 'LuvLap', 'The Moms Co.'],
    items: ['Pants Style Diapers', 'Baby Massage Oil', 'Gentle Baby Wipes', 'Anti-Colic Feeding Bottle', 'Baby Stroller with Canopy', 'Tear-Free Baby Shampoo', 'Soft Cotton Swaddle Wrap'],
    variants: ['Medium, 76 Count', 'Large, 64 Count', '200 ml', 'Pack of 3', '250 ml', 'Newborn, 0-6 Months'],
    features: ['a gentle pH-balanced formula', '12-hour leak protection', 'BPA-free materials', 'paediatrician-tested ingredients', 'soft breathable fabric', 'a one-hand fold'] },
];

/** Brands whose prices sit in the upper part of their category's band: no ₹7,000 iPhones. */
export const PREMIUM_BRANDS = new Set([
  'Apple', 'Sony', 'Sennheiser', 'Canon', 'Nikon', 'Fujifilm', 'GoPro', 'Dell', 'Louis Philippe', 'Raymond',
  'Forest Essentials', 'Tanishq', 'CaratLane', 'Samsonite', 'Fossil', 'Nike', 'Adidas', 'Godrej Interio', 'Urban Ladder',
]);

/** Middle sentences for descriptions; `{thing}` is the category's word for the product. */
export const DESCRIPTION_LINES = [
  'Built for everyday use at home, at work or on the go.',
  'A dependable pick at this price, backed by the brand warranty.',
  'Thoughtfully designed for Indian homes and weather.',
  'Easy to use straight out of the box.',
  'A popular choice with shoppers across India.',
  'Makes a thoughtful gift for family and friends.',
];

/** Closing sentences; `{city}` is the seller's city. */
export const DESCRIPTION_CLOSERS = [
  'Ships from {city} within two working days.',
  'Eligible for easy 7-day returns.',
  'Packed securely and delivered across India.',
  'Cash on delivery available on most pin codes.',
];
