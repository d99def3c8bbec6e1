/**
 * Name and text resources for master data (domain.md §4: "name lists are engine resources").
 * Modest, realistic lists. Person names may carry diacritics in display form; ids fold them to ASCII.
 */

export type Culture = 'western_us' | 'hispanic' | 'german' | 'chinese' | 'indian' | 'french' | 'japanese';

/** domain.md §4.5 name cultures, in listed order. */
export const CULTURE_WEIGHTS: ReadonlyArray<readonly [Culture, number]> = Object.freeze([
  ['western_us', 0.40], ['hispanic', 0.20], ['german', 0.10], ['chinese', 0.10], ['indian', 0.10], ['french', 0.05], ['japanese', 0.05],
]);

export const FIRST_NAMES: Readonly<Record<Culture, readonly string[]>> = Object.freeze({
  western_us: ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth', 'David', 'Barbara',
    'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Nancy', 'Daniel', 'Lisa', 'Matthew',
    'Emily', 'Anthony', 'Ashley', 'Mark', 'Michelle', 'Steven', 'Amanda', 'Andrew', 'Melissa', 'Kevin', 'Rebecca', 'Brian', 'Laura'],
  hispanic: ['Jose', 'Maria', 'Luis', 'Carmen', 'Carlos', 'Ana', 'Juan', 'Lucia', 'Miguel', 'Sofia', 'Jorge', 'Isabel', 'Alejandro',
    'Gabriela', 'Diego', 'Valentina', 'Fernando', 'Camila', 'Ricardo', 'Elena', 'Javier', 'Daniela', 'Andres', 'Rosa'],
  german: ['Thomas', 'Sabine', 'Michael', 'Petra', 'Andreas', 'Claudia', 'Stefan', 'Monika', 'Jürgen', 'Andrea', 'Frank', 'Birgit',
    'Markus', 'Katrin', 'Klaus', 'Susanne', 'Wolfgang', 'Anja', 'Lukas', 'Julia', 'Tobias', 'Lena', 'Matthias', 'Heike'],
  chinese: ['Wei', 'Fang', 'Lei', 'Min', 'Jun', 'Li', 'Hao', 'Xin', 'Yang', 'Ying', 'Tao', 'Jing', 'Bo', 'Hui', 'Qiang', 'Mei',
    'Chen', 'Lan', 'Feng', 'Yan'],
  indian: ['Aarav', 'Priya', 'Rahul', 'Ananya', 'Vikram', 'Divya', 'Arjun', 'Neha', 'Rohan', 'Pooja', 'Amit', 'Kavya', 'Sanjay',
    'Meera', 'Ravi', 'Sunita', 'Karan', 'Deepa', 'Anil', 'Shreya'],
  french: ['Jean', 'Marie', 'Pierre', 'Sophie', 'Nicolas', 'Camille', 'Laurent', 'Hélène', 'François', 'Isabelle', 'Julien', 'Claire',
    'Philippe', 'Nathalie', 'Antoine', 'Céline', 'Olivier', 'Élodie'],
  japanese: ['Hiroshi', 'Yuki', 'Takashi', 'Keiko', 'Kenji', 'Aiko', 'Satoshi', 'Naoko', 'Daisuke', 'Emi', 'Haruto', 'Sakura',
    'Kazuki', 'Yumi', 'Ryo', 'Mariko'],
});

export const LAST_NAMES: Readonly<Record<Culture, readonly string[]>> = Object.freeze({
  western_us: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore',
    'Jackson', 'Martin', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright',
    'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans', 'Turner'],
  hispanic: ['Garcia', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Perez', 'Sanchez', 'Ramirez', 'Torres', 'Flores',
    'Rivera', 'Gomez', 'Diaz', 'Morales', 'Ortiz', 'Castillo', 'Vargas', 'Romero', 'Herrera', 'Medina', 'Ruiz', 'Alvarez', 'Mendoza'],
  german: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter',
    'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Werner'],
  chinese: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo', 'He',
    'Lin', 'Gao', 'Luo'],
  indian: ['Sharma', 'Patel', 'Singh', 'Kumar', 'Gupta', 'Reddy', 'Iyer', 'Nair', 'Mehta', 'Joshi', 'Shah', 'Rao', 'Desai', 'Kapoor',
    'Malhotra', 'Chopra', 'Banerjee', 'Mukherjee', 'Verma', 'Agarwal'],
  french: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent',
    'Lefèvre', 'Michel', 'Garnier', 'Rousseau', 'Fontaine', 'Chevalier'],
  japanese: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato', 'Yoshida',
    'Yamada', 'Sasaki', 'Yamaguchi', 'Matsumoto', 'Inoue'],
});

/** Folds to ASCII (é → e, ß → ss) without any locale dependence. */
export function asciiFold(text: string): string {
  return text.replace(/ß/g, 'ss').replace(/Æ/g, 'AE').replace(/æ/g, 'ae').replace(/Ø/g, 'O').replace(/ø/g, 'o')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '');
}

/** Upper-case ASCII letters only. */
export function asciiLettersUpper(text: string): string {
  return asciiFold(text).replace(/[^A-Za-z]/g, '').toUpperCase();
}

export const SPEND_CATEGORIES = ['office_supplies', 'it_services', 'professional_services', 'raw_materials', 'logistics',
  'telecommunications', 'utilities', 'marketing', 'facilities', 'staffing', 'travel'] as const;
export type SpendCategory = (typeof SPEND_CATEGORIES)[number];

/** domain.md §4.1 spend category weights, in listed order. */
export const SPEND_CATEGORY_WEIGHTS: ReadonlyArray<readonly [SpendCategory, number]> = Object.freeze([
  ['office_supplies', 0.15], ['it_services', 0.12], ['professional_services', 0.12], ['raw_materials', 0.10], ['logistics', 0.10],
  ['telecommunications', 0.08], ['utilities', 0.08], ['marketing', 0.08], ['facilities', 0.07], ['staffing', 0.05], ['travel', 0.05],
]);

/** Well-known brands per spend category (20 % of vendor names, domain.md §4.1). */
export const VENDOR_BRANDS: Readonly<Record<SpendCategory, readonly string[]>> = Object.freeze({
  office_supplies: ['Staples', 'Office Depot', 'Lyreco', 'Viking Direct', 'W.B. Mason'],
  it_services: ['Accenture', 'Infosys', 'Wipro', 'Cognizant', 'CGI', 'Capgemini'],
  professional_services: ['Deloitte', 'KPMG', 'PwC', 'Baker McKenzie', 'McKinsey & Company'],
  raw_materials: ['BASF', 'Dow', 'ArcelorMittal', 'Alcoa', 'Nucor', 'Thyssenkrupp Materials'],
  logistics: ['DHL', 'FedEx', 'UPS', 'Kuehne+Nagel', 'DB Schenker', 'Maersk'],
  telecommunications: ['AT&T', 'Verizon', 'Vodafone', 'Deutsche Telekom', 'BT', 'Orange Business'],
  utilities: ['Duke Energy', 'E.ON', 'EDF', 'National Grid', 'Iberdrola'],
  marketing: ['WPP', 'Publicis', 'Omnicom', 'Dentsu', 'Havas'],
  facilities: ['CBRE', 'JLL', 'ISS', 'Sodexo', 'Cushman & Wakefield'],
  staffing: ['Adecco', 'Randstad', 'ManpowerGroup', 'Robert Half', 'Kelly Services'],
  travel: ['American Express GBT', 'BCD Travel', 'CWT', 'Flight Centre Business Travel'],
});

/** Category templates (`{A}` = a name stem), completed with a legal suffix. */
export const VENDOR_TEMPLATES: Readonly<Record<SpendCategory, readonly string[]>> = Object.freeze({
  office_supplies: ['{A} Office Supply', '{A} Paper & Print', '{A} Business Supplies', '{A} Stationery'],
  it_services: ['{A} IT Solutions', '{A} Systems Integration', '{A} Cloud Services', '{A} Data Services'],
  professional_services: ['{A} Consulting', '{A} Advisory', '{A} Legal Partners', '{A} Audit & Tax'],
  raw_materials: ['{A} Metals', '{A} Chemicals', '{A} Polymers', '{A} Steel Supply', '{A} Industrial Materials'],
  logistics: ['{A} Freight', '{A} Logistics', '{A} Transport', '{A} Shipping'],
  telecommunications: ['{A} Telecom', '{A} Communications', '{A} Networks'],
  utilities: ['{A} Energy', '{A} Power & Gas', '{A} Water Services'],
  marketing: ['{A} Media', '{A} Marketing Group', '{A} Creative', '{A} Advertising'],
  facilities: ['{A} Facility Services', '{A} Property Management', '{A} Cleaning Services', '{A} Building Maintenance'],
  staffing: ['{A} Staffing', '{A} Talent Solutions', '{A} Personnel Services'],
  travel: ['{A} Travel', '{A} Corporate Travel', '{A} Journeys'],
});

/** Name stems for templates. */
export const NAME_STEMS: readonly string[] = Object.freeze(['Summit', 'Pinnacle', 'Apex', 'Northwind', 'Bluewater', 'Ironwood', 'Crescent',
  'Evergreen', 'Redstone', 'Silverline', 'Harbor', 'Keystone', 'Meridian', 'Oakridge', 'Pioneer', 'Riverside', 'Sterling', 'Trident',
  'Vanguard', 'Westfield', 'Granite', 'Horizon', 'Lakeshore', 'Atlas', 'Beacon', 'Cascade', 'Falcon', 'Highland', 'Liberty', 'Orion',
  'Prairie', 'Sequoia', 'Sunrise', 'Unity', 'Zenith', 'Alpine', 'Coastal', 'Eastgate', 'Frontier', 'Goldleaf']);

/** Legal suffixes by company country (fallback: generic). */
export const LEGAL_SUFFIXES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  US: ['Inc.', 'LLC', 'Corp.', 'Co.'],
  CA: ['Inc.', 'Ltd.', 'Corp.'],
  DE: ['GmbH', 'AG', 'GmbH & Co. KG'],
  CH: ['AG', 'GmbH', 'SA'],
  GB: ['Ltd', 'PLC', 'LLP'],
  IE: ['Ltd', 'DAC', 'PLC'],
  FR: ['SA', 'SAS', 'SARL'],
  CN: ['Co., Ltd.', 'Ltd.'],
  JP: ['K.K.', 'Co., Ltd.'],
  IN: ['Pvt. Ltd.', 'Ltd.'],
  AU: ['Pty Ltd', 'Ltd'],
  '*': ['Ltd.', 'Inc.', 'Group'],
});

export function legalSuffixes(country: string): readonly string[] {
  return LEGAL_SUFFIXES[country] ?? LEGAL_SUFFIXES['*'];
}

/** Customer name templates by industry (domain.md §4.2). */
export const CUSTOMER_TEMPLATES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  manufacturing: ['{A} Manufacturing', '{A} Industrial Supply', '{A} Machinery', '{A} Components', '{A} Fabrication', '{A} Equipment',
    '{A} Automotive', '{A} Engineering'],
  retail: ['{A} Stores', '{A} Market', '{A} Outlet', '{A} Retail Group', '{A} Home & Garden', '{A} Department Stores'],
  financial_services: ['{A} Capital', '{A} Bank', '{A} Insurance', '{A} Asset Management', '{A} Financial', '{A} Credit Union'],
  healthcare: ['{A} Medical Center', '{A} Clinic', '{A} Health System', '{A} Pharmacy', '{A} Hospital', '{A} Diagnostics'],
  technology: ['{A} Software', '{A} Systems', '{A} Labs', '{A} Networks', '{A} Digital', '{A} Analytics'],
});

export function customerTemplates(industry: string): readonly string[] {
  return CUSTOMER_TEMPLATES[industry] ?? CUSTOMER_TEMPLATES.manufacturing;
}

/** domain.md §4.1 dedup suffixes, in order (then ` #n`). Customers insert ` & Partners` before ` #n`. */
export const VENDOR_DEDUP_SUFFIXES: readonly string[] = Object.freeze([' II', ' III', ' & Co.', ' Group', ' Holdings', ' International']);
export const CUSTOMER_DEDUP_SUFFIXES: readonly string[] = Object.freeze([...VENDOR_DEDUP_SUFFIXES, ' & Partners']);

/** A name unique within `taken` (which it extends): base, then base + each suffix, then `base #n` (n from 2). */
export function dedupName(base: string, taken: Set<string>, suffixes: readonly string[]): string {
  let name = base;
  if (taken.has(name)) {
    name = '';
    for (const s of suffixes) {
      if (!taken.has(base + s)) { name = base + s; break; }
    }
    for (let n = 2; name === ''; n++) if (!taken.has(`${base} #${n}`)) name = `${base} #${n}`;
  }
  taken.add(name);
  return name;
}

export const ASSET_CLASSES = ['buildings', 'machinery', 'vehicles', 'furniture', 'it_equipment', 'software', 'leasehold_improvements'] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];

/** domain.md §4.7 asset class weights, in listed order. */
export const ASSET_CLASS_WEIGHTS: ReadonlyArray<readonly [AssetClass, number]> = Object.freeze([
  ['buildings', 0.05], ['machinery', 0.25], ['vehicles', 0.15], ['furniture', 0.15], ['it_equipment', 0.25], ['software', 0.10],
  ['leasehold_improvements', 0.05],
]);

export const ASSET_DESCRIPTIONS: Readonly<Record<AssetClass, readonly string[]>> = Object.freeze({
  buildings: ['Office Building', 'Warehouse', 'Production Hall', 'Distribution Center', 'Administration Building'],
  machinery: ['CNC Milling Machine', 'Hydraulic Press', 'Injection Molding Machine', 'Conveyor System', 'Industrial Robot Arm',
    'Lathe', 'Packaging Line', 'Air Compressor', 'Laser Cutter', 'Welding Station'],
  vehicles: ['Delivery Van', 'Forklift', 'Company Car', 'Box Truck', 'Pickup Truck', 'Electric Pallet Truck'],
  furniture: ['Office Desks', 'Conference Table', 'Ergonomic Chairs', 'Filing Cabinets', 'Reception Furniture', 'Shelving Units'],
  it_equipment: ['Laptop Fleet', 'Server Rack', 'Network Switch', 'Storage Array', 'Engineering Workstation', 'Multifunction Printer',
    'Firewall Appliance', 'Video Conferencing System'],
  software: ['ERP License', 'CAD Software License', 'CRM Platform License', 'Data Warehouse Platform', 'Payroll System License'],
  leasehold_improvements: ['Office Fit-Out', 'HVAC Upgrade', 'Lighting Retrofit', 'Warehouse Racking', 'Security System Installation'],
});
