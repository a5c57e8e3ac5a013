// A small project tracker on Sequelize 6 over mysql2, as a Node application writes it.
//
// Run against a MySQL-protocol server (MYSQL_HOST, MYSQL_PORT, MYSQL_DATABASE), it creates
// its schema with sync(), then creates rows with associations, reads them with includes,
// counts, updates and deletes, runs a transaction that commits and one that rolls back, and
// hits a unique key; it prints what it saw as one JSON object. The Go test runs it against
// MariaDB and against Weir and compares the two objects.
'use strict';
const { Sequelize, DataTypes, Op } = require('sequelize');

async function main() {
  const sequelize = new Sequelize(process.env.MYSQL_DATABASE, 'root', '', {
    host: process.env.MYSQL_HOST,
    port: Number(process.env.MYSQL_PORT),
    dialect: 'mysql',
    logging: false,
    timezone: '+00:00',
  });
  const User = sequelize.define('User', {
    login: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(80) },
    admin: { type: DataTypes.BOOLEAN, defaultValue: false },
  }, { tableName: 'sq_users' });
  const Project = sequelize.define('Project', {
    title: { type: DataTypes.STRING(100), allowNull: false },
    budget: { type: DataTypes.DECIMAL(10, 2) },
  }, { tableName: 'sq_projects' });
  const Task = sequelize.define('Task', {
    summary: { type: DataTypes.STRING(200), allowNull: false },
    done: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    points: { type: DataTypes.INTEGER },
  }, { tableName: 'sq_tasks' });
  User.hasMany(Project, { foreignKey: 'ownerId' });
  Project.belongsTo(User, { as: 'owner', foreignKey: 'ownerId' });
  Project.hasMany(Task, { foreignKey: 'projectId' });
  Task.belongsTo(Project, { foreignKey: 'projectId' });

  const saw = {};
  await sequelize.sync();
  // A second sync finds every table in place, as on each start of the application.
  await sequelize.sync();

  const ada = await User.create({ login: 'ada', name: 'Ada Lovelace', admin: true });
  const bob = await User.create({ login: 'bob', name: 'Bob' });
  const engine = await Project.create({ title: 'Analytical Engine', budget: '1000.50', ownerId: ada.id });
  await Task.bulkCreate([
    { summary: 'design the mill', points: 8, projectId: engine.id },
    { summary: 'punch the cards', points: 3, projectId: engine.id, done: true },
    { summary: 'write notes', points: 5, projectId: engine.id },
  ]);
  saw.ids = [ada.id, bob.id, engine.id];

  try {
    await User.create({ login: 'ADA' });
    saw.duplicate = 'created';
  } catch (e) {
    saw.duplicate = e.name + ' ' + (e.parent ? e.parent.errno : '');
  }

  const withTasks = await Project.findAll({
    include: [{ model: Task }, { model: User, as: 'owner' }],
    order: [['id', 'ASC'], [Task, 'id', 'ASC']],
  });
  saw.projects = withTasks.map(p => [p.title, p.budget, p.owner.login, p.Tasks.map(t => [t.summary, t.done, t.points])]);
  saw.openPoints = await Task.sum('points', { where: { done: false } });
  saw.openCount = await Task.count({ where: { done: false, projectId: engine.id } });
  saw.bigTasks = (await Task.findAll({ where: { points: { [Op.gte]: 5 } }, order: [['points', 'DESC']] })).map(t => t.summary);

  // A transaction that commits: a project and its first task appear together.
  await sequelize.transaction(async (t) => {
    const p = await Project.create({ title: 'Difference Engine', ownerId: bob.id }, { transaction: t });
    await Task.create({ summary: 'find funding', projectId: p.id, points: 13 }, { transaction: t });
  });
  // A transaction that fails part way: nothing of it remains.
  try {
    await sequelize.transaction(async (t) => {
      await Project.create({ title: 'Never Built', ownerId: bob.id }, { transaction: t });
      await User.update({ name: 'Robert' }, { where: { id: bob.id }, transaction: t });
      throw new Error('cancelled');
    });
  } catch (e) {
    saw.rollback = e.message;
  }
  saw.titles = (await Project.findAll({ order: [['id', 'ASC']] })).map(p => p.title);
  saw.bobName = (await User.findByPk(bob.id)).name;

  await Task.update({ done: true }, { where: { summary: 'write notes' } });
  await Task.destroy({ where: { done: true } });
  saw.remaining = (await Task.findAll({ order: [['id', 'ASC']] })).map(t => t.summary);
  const bobs = await User.findOne({ where: { login: 'bob' }, include: [Project] });
  saw.bobProjects = bobs.Projects.map(p => p.title);

  await sequelize.close();
  process.stdout.write(JSON.stringify(saw));
}

main().catch(e => { console.error(e); process.exit(1); });
